import { setTimeout as sleep } from "node:timers/promises";
import type { ChannelHealth, InboundSink } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createBackoff } from "../kit/backoff.ts";
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
 * The getupdates long poll: each batch goes into the inbox (sink.receive) before its cursor is
 * saved, so a crash re-reads it and the inbox drops what it already has.
 */
export async function runPoller(deps: PollerDeps, signal: AbortSignal): Promise<void> {
  const { store, logger } = deps;
  let longPollMs = deps.initialLongPollMs;
  let failures = 0;
  let hasTriedResume = false;
  // 2 s doubling to a minute, with jitter: many bridges that lost WeChat together do not return in step.
  const backoff = createBackoff({ minMs: 2000, maxMs: 60_000 });
  while (!signal.aborted) {
    try {
      const cursor = await store.cursor();
      // WeChat refuses a bad session at once; a poll it holds for a second means the login works.
      const heldTimer = setTimeout(() => deps.setHealth({ state: "ready" }), heldPollMs);
      const batch = await deps.client().getUpdates(cursor, longPollMs, signal).finally(() => clearTimeout(heldTimer));
      if (signal.aborted) return;
      if (batch.longpolling_timeout_ms && batch.longpolling_timeout_ms > 0) longPollMs = batch.longpolling_timeout_ms;
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
      failures = 0;
      hasTriedResume = false;
      backoff.reset();
      deps.setHealth({ state: "ready" });
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof IlinkError && error.isSessionExpired) {
        // Once per expiry: a session WeChat paused may come back with notifystart; a real expiry needs a new login.
        if (!hasTriedResume) {
          hasTriedResume = true;
          if (await deps.resumeSession()) continue;
        }
        deps.setHealth({ state: "error", detail: expiredDetail });
        logger.error({ code: error.code }, `${expiredDetail}; polling paused`);
        await waitForLogin(deps, signal);
        hasTriedResume = false;
        continue;
      }
      failures += 1;
      const delayMs = backoff.nextDelayMs();
      if (failures >= 3) deps.setHealth({ state: "error", detail: `cannot reach WeChat (${error instanceof Error ? error.message : String(error)}); retrying` });
      logger.warn({ err: error, failures, delayMs }, "getupdates failed");
      await quietly(delayMs, signal);
    }
  }
}

/** No tight loop on an expired session: one retry every `sessionRetryMs`, or at once after a new login. */
async function waitForLogin(deps: PollerDeps, signal: AbortSignal): Promise<void> {
  const until = deps.now() + deps.sessionRetryMs;
  while (!signal.aborted && deps.now() < until) {
    await quietly(Math.min(deps.loginCheckMs, Math.max(0, until - deps.now())), signal);
    if (await deps.hasNewLogin().catch(() => false)) return;
  }
}
