import { createBoundedMap } from "./bounded-map.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";

/**
 * People's names for platforms whose events carry only a user id (Slack, Feishu): one lookup per
 * person, cached and bounded. A lookup that fails, finds nothing or is slow leaves the id as the
 * name: it never holds a message back for long (platforms want their acknowledgement within 3 s).
 */
export function createNameCache(
  lookUp: (userId: string) => Promise<string | undefined>,
  logger: Logger,
  options: { timeoutMs?: number; maxEntries?: number } = {},
) {
  const people = createPeopleCache(async (userId) => ({ name: (await lookUp(userId)) || userId }), logger, options);
  return async (userId: string): Promise<string> => (await people(userId))?.name ?? userId;
}

/**
 * What a platform tells about a person (a name, a language), looked up once per person, cached and bounded; the
 * same rules as `createNameCache`: a lookup that fails or is slow gives undefined, and is tried again next time.
 */
export function createPeopleCache<T extends object>(
  lookUp: (userId: string) => Promise<T>,
  logger: Logger,
  options: { timeoutMs?: number; maxEntries?: number } = {},
) {
  const known = createBoundedMap<T>(options.maxEntries ?? 5000);
  return async (userId: string): Promise<T | undefined> => {
    const cached = known.get(userId);
    if (cached) return cached;
    try {
      const found = await withTimeout(lookUp(userId), options.timeoutMs ?? 1500);
      known.set(userId, found);
      return found;
    } catch (error) {
      logger.debug({ err: error, userId }, "could not look up a user; the id stands for their name");
      return undefined;
    }
  };
}

/** SDK clients take no AbortSignal here: the answer is simply not waited for past `timeoutMs`. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BridgeError("timeout", `the name lookup took over ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
