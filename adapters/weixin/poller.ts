import { setTimeout as sleep } from "node:timers/promises";
import type { ChannelHealth, InboundSink } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createConnectionLifecycle, type ConnectionSession } from "../kit/connection-lifecycle.ts";
import { IlinkError, type IlinkClient } from "./client.ts";
import { toInboundMessage } from "./inbound.ts";
import type { Mailbox } from "./mailbox.ts";
import { weixinMessageSchema } from "./protocol.ts";
import type { WindowStore } from "./window-store.ts";

export const expiredDetail = "WeChat login expired: run npm run pincer -- weixin login";

export interface PollerDeps {
  client: () => IlinkClient;
  store: WindowStore;
  mailbox: Mailbox;
  sink: InboundSink;
  logger: Logger;
  setHealth: (health: ChannelHealth) => void;
  /** Only this user's messages are taken (the owner who scanned), when known. */
  ownerId: () => string | undefined;
  /**
   * After errcode -14 the poll stops; it tries again after `sessionRetryMs`, or at once when
   * `hasNewLogin` says the login file changed (checked every `loginCheckMs`).
   */
  hasNewLogin: () => Promise<boolean>;
  /** Tries to revive the session (notifystart) before asking for a new login; true when that worked. */
  resumeSession: () => Promise<boolean>;
  sessionRetryMs: number;
  loginCheckMs: number;
  initialLongPollMs: number;
  now: () => number;
}

/** How long WeChat must hold a poll before the channel counts as connected. */
const heldPollMs = 1000;

const quietly = async (ms: number, signal: AbortSignal) => {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
};

/**
 * The getupdates long poll, run by the kit's connection lifecycle (its backoff: 2 s doubling to a minute,
 * with jitter, so that many bridges that lost WeChat together do not return in step). Each batch goes into
 * the inbox (sink.receive) before its cursor is saved, so a crash re-reads it and the inbox drops what it
 * already has.
 */
export async function runPoller(deps: PollerDeps, signal: AbortSignal): Promise<void> {
  let longPollMs = deps.initialLongPollMs;
  let failures = 0;
  let hasTriedResume = false;
  const lifecycle = createConnectionLifecycle({
    what: "WeChat getupdates",
    logger: deps.logger,
    backoff: { minMs: 2000, maxMs: 60_000 },
    onHealth: deps.setHealth,
    describeFailure(error, hasBeenUp) {
      failures += 1;
      const detail = `cannot reach WeChat (${error instanceof Error ? error.message : String(error)}); retrying`;
      // A short outage keeps the channel's state; the third failure in a row shows as an error.
      return { detail, state: failures >= 3 ? "error" : hasBeenUp ? "degraded" : "starting" };
    },
    async connect(session) {
      while (!session.signal.aborted) {
        try {
          longPollMs = await pollOnce(deps, session, longPollMs);
          failures = 0;
          hasTriedResume = false;
        } catch (error) {
          if (session.signal.aborted || !(error instanceof IlinkError && error.isSessionExpired)) throw error;
          // Once per expiry: a session WeChat paused may come back with notifystart; a real expiry needs a new login.
          if (!hasTriedResume) {
            hasTriedResume = true;
            if (await deps.resumeSession()) continue;
          }
          await session.trouble({ detail: expiredDetail, waitMs: 0 });
          await waitForLogin(deps, session.signal);
          hasTriedResume = false;
        }
      }
    },
  });
  await lifecycle.run(signal);
}

/** One getupdates: its messages into the inbox, then the cursor saved. Returns the hold time WeChat asks for next. */
async function pollOnce(deps: PollerDeps, session: ConnectionSession, longPollMs: number): Promise<number> {
  const { store, logger, signal } = { ...deps, signal: session.signal };
  const cursor = await store.cursor();
  // WeChat refuses a bad session at once; a poll it holds for a second means the login works.
  const heldTimer = setTimeout(() => session.up(), heldPollMs);
  const batch = await deps.client().getUpdates(cursor, longPollMs, signal).finally(() => clearTimeout(heldTimer));
  if (signal.aborted) return longPollMs;
  for (const raw of batch.msgs ?? []) {
    const parsed = weixinMessageSchema.safeParse(raw);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues.slice(0, 3) }, "skipped a malformed WeChat message");
      continue;
    }
    const message = toInboundMessage(parsed.data, deps.now());
    if (!message) continue;
    const owner = deps.ownerId();
    if (owner && message.sender.id !== owner) {
      logger.warn({ from: message.sender.id }, "ignored a message from someone other than the owner");
      continue;
    }
    // The window opens and parked replies queue for delivery before the new message can be answered.
    if (parsed.data.context_token) void deps.mailbox.noteInbound(message.sender.id, parsed.data.context_token).catch((error: unknown) => logger.warn({ err: error }, "delivering parked replies failed"));
    await deps.sink.receive(message);
  }
  if (batch.get_updates_buf) await store.saveCursor(batch.get_updates_buf);
  session.up();
  return batch.longpolling_timeout_ms && batch.longpolling_timeout_ms > 0 ? batch.longpolling_timeout_ms : longPollMs;
}

/** No tight loop on an expired session: one retry every `sessionRetryMs`, or at once after a new login. */
async function waitForLogin(deps: PollerDeps, signal: AbortSignal): Promise<void> {
  const until = deps.now() + deps.sessionRetryMs;
  while (!signal.aborted && deps.now() < until) {
    await quietly(Math.min(deps.loginCheckMs, Math.max(0, until - deps.now())), signal);
    if (await deps.hasNewLogin().catch(() => false)) return;
  }
}
