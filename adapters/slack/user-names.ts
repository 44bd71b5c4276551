import { createBoundedMap } from "../../core/bounded-map.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";

/** What `users.info` is asked through: the app's WebClient in production. */
export interface UsersInfo {
  (userId: string): Promise<{ user?: { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string } } }>;
}

/**
 * People's names for events that carry only a user id (most do): `users.info` once per user, cached.
 * A lookup that fails or is slow leaves the id as the name: it never holds a message back for long
 * (Slack wants its acknowledgement within 3 s).
 */
export function createUserNames(usersInfo: UsersInfo, logger: Logger, options: { timeoutMs?: number; maxEntries?: number } = {}) {
  const names = createBoundedMap<string>(options.maxEntries ?? 5000);
  return async (userId: string): Promise<string> => {
    const known = names.get(userId);
    if (known) return known;
    try {
      const { user } = await withTimeout(usersInfo(userId), options.timeoutMs ?? 1500);
      const name = user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name || userId;
      names.set(userId, name);
      return name;
    } catch (error) {
      logger.debug({ err: error, userId }, "slack users.info failed; the user id stands for the name");
      return userId;
    }
  };
}

/** The WebClient takes no AbortSignal: the answer is simply not waited for past `timeoutMs`. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BridgeError("timeout", `users.info took over ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
