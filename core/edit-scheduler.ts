import type { Delivery } from "./delivery.ts";
import { splitMarkdown } from "./markdown-split.ts";
import type { Adapter, SentMessage } from "./types/adapter.ts";
import type { ConversationRef } from "./types/conversation.ts";

export interface EditSchedulerOptions {
  adapter: Adapter;
  delivery: Delivery;
  to: ConversationRef;
  keyBase: string;
  /** What the message should show now (read at each edit, so the latest text goes out). */
  content(): string;
  /** Called after each part that reached the platform. */
  onSent(): void;
  /** True once no new message may go out (the run lost its conversation's lease, or the process is stopping). */
  isFenced?(): boolean;
}

/**
 * Brings the platform's messages up to `content()`. On platforms that can edit, one message is posted and
 * then edited as text streams, no more often than `minEditIntervalMs` and never before the previous edit
 * settled; past `maxTextLength` the text continues in a new message, split on Markdown boundaries. Every
 * part goes through the outbox under `${keyBase}:${n}`, so a re-run after a crash edits or skips what was
 * already sent instead of sending it twice.
 */
export interface EditScheduler {
  /** Asks for an edit (streaming platforms only); a no-op while one is scheduled or under way. */
  request(): void;
  /** Cancels the scheduled edit and waits for the one under way. */
  quiesce(): Promise<void>;
  /**
   * The last sync. It keeps the edit interval too (platforms count every edit against their rate limit) unless
   * `isImmediate` (after a stop, which shows at once). Pieces it could not send are left to the outbox flush.
   */
  finish(isImmediate: boolean): Promise<void>;
}

interface ChunkState {
  sent: SentMessage;
  text: string;
}

export function createEditScheduler(options: EditSchedulerOptions): EditScheduler {
  const { adapter, delivery, to, keyBase } = options;
  const { maxTextLength, minEditIntervalMs } = adapter.capabilities;
  const canStream = adapter.edit !== undefined;
  const needsFinalEdit = adapter.capabilities.needsFinalEdit === true;
  const chunks: ChunkState[] = [];
  let lastSyncAt = 0;
  let syncedText = "";
  let pendingSync: Promise<void> | undefined;
  let syncTimer: NodeJS.Timeout | undefined;

  const sendPiece = async (index: number, pieces: readonly string[], isFinal: boolean): Promise<boolean> => {
    const part = { type: "markdown" as const, text: pieces[index]! };
    const delivered = await delivery.send(`${keyBase}:${index}`, to, part, { isPartial: canStream && !isFinal });
    if (!delivered) {
      if (isFinal) {
        for (const [later, rest] of pieces.slice(index + 1).entries()) {
          await delivery.enqueue(`${keyBase}:${index + 1 + later}`, to, { type: "markdown", text: rest });
        }
      }
      return false;
    }
    options.onSent();
    chunks[index] = { sent: delivered.sent, text: part.text };
    // A re-run after a crash finds the message already sent (or the platform returned it again), with the text of the first run.
    if ((delivered.wasSentBefore || delivered.wasCutOffBefore) && canStream) await delivery.edit(`${keyBase}:${index}`, delivered.sent, part, { isFinal });
    return true;
  };

  const sync = async (isFinal = false) => {
    lastSyncAt = Date.now();
    const current = options.content();
    syncedText = current;
    const pieces = current.trim() ? splitMarkdown(current, maxTextLength) : [];
    for (const [index, piece] of pieces.entries()) {
      const existing = chunks[index];
      if (!existing) {
        // Fenced: another worker may be sending this very piece; the turn's next run sends it (same key).
        if (options.isFenced?.()) return;
        if (!(await sendPiece(index, pieces, isFinal))) return;
      } else if (canStream && (existing.text !== piece || (isFinal && needsFinalEdit))) {
        await delivery.edit(`${keyBase}:${index}`, existing.sent, { type: "markdown", text: piece }, { isFinal });
        existing.text = piece;
      }
    }
  };

  const runSync = () => {
    syncTimer = undefined;
    pendingSync = sync().finally(() => {
      pendingSync = undefined;
    });
  };

  return {
    request() {
      if (!canStream || syncTimer || pendingSync) return;
      syncTimer = setTimeout(runSync, Math.max(0, lastSyncAt + minEditIntervalMs - Date.now()));
    },
    async quiesce() {
      clearTimeout(syncTimer);
      syncTimer = undefined;
      await pendingSync;
    },
    async finish(isImmediate) {
      const waitMs = lastSyncAt + minEditIntervalMs - Date.now();
      if (canStream && !isImmediate && chunks.length > 0 && options.content() !== syncedText && waitMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
      await sync(true);
    },
  };
}
