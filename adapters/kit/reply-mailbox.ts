import { randomUUID } from "node:crypto";
import type { OutboxPart } from "../../core/store/store.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { checkWindow, closeWindow, openWindow, partsToDeliver, sentBefore, useSend, type ReplyWindow, type WindowLimits } from "./reply-window.ts";

/** Where a platform's windows and parked parts live (adapter state and outbox rows waiting for the next message). */
export interface ParkingStore {
  window(key: string): Promise<ReplyWindow | undefined>;
  saveWindow(key: string, window: ReplyWindow): Promise<void>;
  /** Parks a part (one step) behind the ones already parked for the key. */
  park(key: string, part: ReplyPart): Promise<string>;
  /** The key's parked parts, oldest first. */
  parked(key: string): Promise<OutboxPart[]>;
  markDelivered(parked: OutboxPart, messageId: string): Promise<void>;
}

/**
 * A step's lasting identity: the outbox key of the (parked) part it belongs to and its place in that part. The same on
 * every attempt, in any process, so a platform that dedupes sends can tell a re-send after a crash from a new message.
 */
export interface StepKey {
  key: string;
  step: number;
}

/** How a platform cuts a reply into sends (steps), each of which spends one send of the window. */
export interface StepCodec<Step> {
  /** ReplyPart → the sends it takes, in order (pure). */
  toSteps(part: ReplyPart): Step[];
  /** The part as parts of one step each: a parked reply is one step, kept as a plain `ReplyPart` in the outbox. */
  stepParts(part: ReplyPart): ReplyPart[];
  /** The step that says it is an older reply (a text step gets the cue; others stay as they are). */
  withCue(step: Step): Step;
}

export interface ReplyMailboxDeps<Step> {
  store: ParkingStore;
  steps: StepCodec<Step>;
  /** One send inside the window; resolves to the platform's message id. `stepKey` is absent when the part came without a key. */
  send(key: string, window: ReplyWindow, step: Step, clientId: string, stepKey?: StepKey): Promise<string>;
  /** The platform refused the send because of the window (stale, spent): park, and send nothing more until the next message. */
  isRefusal(error: unknown): boolean;
  onRefused?(error: unknown): void;
  /** A failure that no later attempt can fix: the step is dropped, never parked, or it would hold back every later reply. */
  isPermanent(error: unknown): boolean;
  limits(key: string): WindowLimits;
  logger: Logger;
  now: () => number;
}

type Outcome = { sent: string } | { parked: true } | { failed: unknown };

/**
 * Sends reply steps inside each conversation's reply window and parks what does not fit, durably, to
 * deliver first (oldest first) when the person writes again. Work for one key runs one at a time, so
 * parked steps always go before the answer to the new message. Used by ClawBot and QQ.
 */
export function createReplyMailbox<Step>(deps: ReplyMailboxDeps<Step>) {
  const { store, steps, logger, now } = deps;
  const chains = new Map<string, Promise<unknown>>();

  const serially = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return next;
  };

  /**
   * One send inside the window; the window's count is saved after the send, with the step when it has a key. A step
   * found there was taken before (a re-send after a crash that came after that save): it is not sent again, even with
   * the window spent. A crash before the save errs towards sending again (a platform that dedupes, QQ, refuses it).
   */
  const trySend = async (key: string, step: Step, clientId: string, stepKey?: StepKey): Promise<Outcome> => {
    const limits = deps.limits(key);
    const window = await store.window(key);
    const earlier = stepKey && sentBefore(window, stepKey.key, stepKey.step);
    if (earlier) return { sent: earlier };
    if (!window || !checkWindow(window, now(), limits).isOpen) return { parked: true };
    try {
      const sent = await deps.send(key, window, step, clientId, stepKey);
      await store.saveWindow(key, useSend((await store.window(key)) ?? window, stepKey && { ...stepKey, messageId: sent }));
      return { sent };
    } catch (error) {
      if (deps.isRefusal(error)) {
        await store.saveWindow(key, closeWindow((await store.window(key)) ?? window, limits));
        deps.onRefused?.(error);
        logger.warn({ key, err: error }, "the platform refused the reply; parking it for the next message");
        return { parked: true };
      }
      return { failed: error };
    }
  };

  /** Delivers parked steps, oldest first, while the window allows; each is marked delivered right after its send. */
  const flushParked = async (key: string): Promise<void> => {
    const parked = await store.parked(key);
    if (parked.length === 0) return;
    const count = partsToDeliver(parked.length, checkWindow(await store.window(key), now(), deps.limits(key)));
    let isFirst = true;
    for (const entry of parked.slice(0, count)) {
      const [parkedStep] = steps.toSteps(entry.part);
      if (!parkedStep) {
        await store.markDelivered(entry, "empty");
        continue;
      }
      // The same client id on a retry after a crash, in case the server dedupes on it.
      const outcome = await trySend(key, isFirst ? steps.withCue(parkedStep) : parkedStep, `pincer-parked-${entry.key}`, { key: entry.key, step: 0 });
      if ("failed" in outcome && deps.isPermanent(outcome.failed)) {
        logger.error({ err: outcome.failed, key }, "a parked reply cannot be delivered; dropping it");
        await store.markDelivered(entry, "dropped");
        continue;
      }
      if (!("sent" in outcome)) {
        if ("failed" in outcome) logger.warn({ err: outcome.failed, key }, "delivering a parked reply failed; it waits for the next message");
        return;
      }
      await store.markDelivered(entry, outcome.sent);
      isFirst = false;
    }
    if (count > 0) logger.info({ key, delivered: count, left: parked.length - count }, "delivered parked replies");
  };

  return {
    /** A message for `key` brought `token`: open the window and deliver what was parked. */
    noteInbound(key: string, token: string): Promise<void> {
      // Queued at once (before the new message can be answered), so parked replies go first.
      return serially(key, async () => {
        await store.saveWindow(key, openWindow(await store.window(key), token, now()));
        await flushParked(key);
      });
    },

    /**
     * Sends the part now if the window allows, else parks it (resolving either way, with a
     * `parked:` id). Throws only when nothing of the part went out and the failure is worth a retry.
     * `idempotencyKey` is the part's outbox key, when it has one.
     */
    send(key: string, part: ReplyPart, idempotencyKey?: string): Promise<string> {
      return serially(key, async () => {
        await flushParked(key);
        let hasParked = (await store.parked(key)).length > 0;
        let firstId: string | undefined;
        for (const [index, stepPart] of steps.stepParts(part).entries()) {
          const step = steps.toSteps(stepPart)[0]!;
          const stepKey = idempotencyKey === undefined ? undefined : { key: idempotencyKey, step: index };
          const outcome: Outcome = hasParked ? { parked: true } : await trySend(key, step, `pincer-${randomUUID()}`, stepKey);
          if ("failed" in outcome) {
            if (index === 0) throw outcome.failed;
            if (deps.isPermanent(outcome.failed)) {
              logger.error({ err: outcome.failed, key }, "a step of a reply cannot be sent; skipping it");
              continue;
            }
            logger.warn({ err: outcome.failed, key }, "send failed midway through a part; parking the rest");
          }
          if (!("sent" in outcome)) {
            const parkedKey = await store.park(key, stepPart);
            hasParked = true;
            firstId ??= `parked:${parkedKey}`;
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

export type ReplyMailbox = ReturnType<typeof createReplyMailbox>;
