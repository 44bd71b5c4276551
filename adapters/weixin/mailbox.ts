import { randomUUID } from "node:crypto";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { IlinkError } from "./client.ts";
import { sendStep, stepParts, toSteps, type Step, type StepSender } from "./outbound.ts";
import { windowClosedCode } from "./protocol.ts";
import { checkWindow, closeWindow, openWindow, partsToDeliver, useSend, withWaitingCue, type WindowLimits } from "./reply-window.ts";
import type { WindowStore } from "./window-store.ts";

export interface MailboxDeps {
  store: WindowStore;
  sender: () => StepSender;
  limits: WindowLimits;
  logger: Logger;
  now: () => number;
  onSessionExpired: () => void;
}

type Outcome = { sent: string } | { parked: true } | { failed: unknown };

/**
 * A failure that no later attempt can fix (the reply's file is gone, WeChat refuses the media):
 * such a step is dropped, never parked, or it would hold back every later reply to that user.
 */
const isPermanent = (error: unknown): boolean =>
  error instanceof BridgeError && (error.code === "bad-input" || error.code === "unsupported" || error.code === "internal");

/**
 * Sends reply steps inside each user's reply window and parks what does not fit, durably (outbox rows
 * waiting for the user's next message), to deliver first (oldest first) when the user writes again. Work for one user runs one at a time,
 * so parked steps always go before the answer to the new message.
 */
export function createMailbox(deps: MailboxDeps) {
  const { store, limits, logger, now } = deps;
  const chains = new Map<string, Promise<unknown>>();

  const serially = <T>(userId: string, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(userId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    chains.set(userId, settled);
    void settled.then(() => {
      if (chains.get(userId) === settled) chains.delete(userId);
    });
    return next;
  };

  /** One sendmessage inside the window; the window's count is saved after the send (a crash between errs towards a refused send, which parks). */
  const trySend = async (userId: string, step: Step, clientId: string): Promise<Outcome> => {
    const window = await store.window(userId);
    if (!window || !checkWindow(window, now(), limits).isOpen) return { parked: true };
    try {
      const sent = await sendStep(deps.sender(), userId, window.contextToken, clientId, step);
      await store.saveWindow(userId, useSend((await store.window(userId)) ?? window));
      return { sent };
    } catch (error) {
      if (error instanceof IlinkError && (error.code === windowClosedCode || error.isSessionExpired)) {
        await store.saveWindow(userId, closeWindow((await store.window(userId)) ?? window, limits));
        if (error.isSessionExpired) deps.onSessionExpired();
        logger.warn({ userId, code: error.code }, "WeChat refused the reply; parking it for the next message");
        return { parked: true };
      }
      return { failed: error };
    }
  };

  /** Delivers parked steps, oldest first, while the window allows; each is marked delivered right after its send. */
  const flushParked = async (userId: string): Promise<void> => {
    const parked = await store.parked(userId);
    if (parked.length === 0) return;
    const count = partsToDeliver(parked.length, checkWindow(await store.window(userId), now(), limits));
    let isFirst = true;
    for (const entry of parked.slice(0, count)) {
      const [parkedStep] = toSteps(entry.part);
      if (!parkedStep) {
        await store.markDelivered(entry, "empty");
        continue;
      }
      const step: Step = isFirst && parkedStep.kind === "text" ? { kind: "text", text: withWaitingCue(parkedStep.text) } : parkedStep;
      // The same client_id on a retry after a crash, in case the server dedupes on it.
      const outcome = await trySend(userId, step, `pincer-parked-${entry.key}`);
      if ("failed" in outcome && isPermanent(outcome.failed)) {
        logger.error({ err: outcome.failed, userId }, "a parked reply cannot be delivered; dropping it");
        await store.markDelivered(entry, "dropped");
        continue;
      }
      if (!("sent" in outcome)) {
        if ("failed" in outcome) logger.warn({ err: outcome.failed, userId }, "delivering a parked reply failed; it waits for the next message");
        return;
      }
      await store.markDelivered(entry, outcome.sent);
      isFirst = false;
    }
    if (count > 0) logger.info({ userId, delivered: count, left: parked.length - count }, "delivered parked replies");
  };

  return {
    /** A message from `userId` brought `contextToken`: open the window and deliver what was parked. */
    noteInbound(userId: string, contextToken: string): Promise<void> {
      // Queued at once (before the new message can be answered), so parked replies go first.
      return serially(userId, async () => {
        await store.saveWindow(userId, openWindow(await store.window(userId), contextToken, now()));
        await flushParked(userId);
      });
    },

    /**
     * Sends the part now if the window allows, else parks it (resolving either way, with a
     * `parked:` id). Throws only when nothing of the part went out and the failure is worth a retry.
     */
    send(userId: string, part: ReplyPart): Promise<string> {
      return serially(userId, async () => {
        await flushParked(userId);
        let hasParked = (await store.parked(userId)).length > 0;
        let firstId: string | undefined;
        for (const [index, stepPart] of stepParts(part).entries()) {
          const step = toSteps(stepPart)[0]!;
          const outcome: Outcome = hasParked ? { parked: true } : await trySend(userId, step, `pincer-${randomUUID()}`);
          if ("failed" in outcome) {
            if (index === 0) throw outcome.failed;
            if (isPermanent(outcome.failed)) {
              logger.error({ err: outcome.failed, userId }, "a step of a reply cannot be sent; skipping it");
              continue;
            }
            logger.warn({ err: outcome.failed, userId }, "send failed midway through a part; parking the rest");
          }
          if (!("sent" in outcome)) {
            const key = await store.park(userId, stepPart);
            hasParked = true;
            firstId ??= `parked:${key}`;
            continue;
          }
          firstId ??= outcome.sent;
        }
        return firstId ?? `empty:${randomUUID()}`;
      });
    },

    /** Resolves when every queued send and flush has settled (for stop()). */
    async idle(): Promise<void> {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}

export type Mailbox = ReturnType<typeof createMailbox>;
