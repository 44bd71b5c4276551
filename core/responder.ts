import type { Delivery } from "./delivery.ts";
import { abortable } from "./abortable.ts";
import { splitMarkdown } from "./markdown-split.ts";
import { isShutdownAbort } from "./queue.ts";
import type { Adapter, SentMessage } from "./types/adapter.ts";
import type { AgentEvent } from "./types/agent.ts";
import type { ConversationRef } from "./types/conversation.ts";
import { assertNever } from "./types/errors.ts";
import type { Logger } from "./types/logger.ts";

export interface ResponderOptions {
  adapter: Adapter;
  delivery: Delivery;
  logger: Logger;
  /** How long the agent may take before a typing indicator shows, and how often it is renewed after. */
  typingDelayMs?: number;
  typingIntervalMs?: number;
  onFirstReply?: () => void;
  /** Awaited before the agent resumes, so a budget check before its next call sees this one. */
  onUsage?: (event: Extract<AgentEvent, { type: "usage" }>) => Promise<void>;
}

export interface ResponseOutcome {
  text: string;
  isStopped: boolean;
}

function oneLine(text: string, maxLength = 120): string {
  const line = text.replace(/\s+/g, " ").replaceAll("_", "\\_").trim();
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

interface ChunkState {
  sent: SentMessage;
  text: string;
}

/**
 * Stage "respond": turns the agent's event stream into messages. On platforms that can edit,
 * one message is posted and then edited as text streams, no more often than `minEditIntervalMs`
 * and never before the previous edit settled; past `maxTextLength` the text continues in a new
 * message, split on Markdown boundaries. Elsewhere the whole answer is sent at the end.
 * Every part goes through the outbox under `${keyBase}:${n}`, so a re-run after a crash edits or
 * skips what was already sent instead of sending it twice.
 */
export async function respond(
  options: ResponderOptions,
  to: ConversationRef,
  keyBase: string,
  events: AsyncIterable<AgentEvent>,
  signal: AbortSignal,
): Promise<ResponseOutcome> {
  const { adapter, delivery, logger } = options;
  const { maxTextLength, minEditIntervalMs } = adapter.capabilities;
  const canStream = adapter.edit !== undefined;
  const needsFinalEdit = adapter.capabilities.needsFinalEdit === true;
  const chunks: ChunkState[] = [];
  let text = "";
  /** What the agent is doing right now (a tool running, its last output line), shown under the text while streaming. */
  let statusLine = "";
  const shown = () => (statusLine ? `${text}\n\n_${statusLine}_` : text);
  let artifactCount = 0;
  let lastSyncAt = 0;
  let syncedText = "";
  let pendingSync: Promise<void> | undefined;
  let syncTimer: NodeJS.Timeout | undefined;
  let hasReplied = false;

  const markReplied = () => {
    if (hasReplied) return;
    hasReplied = true;
    options.onFirstReply?.();
  };

  /** Brings the platform up to `text`. The final sync leaves pieces it could not send to the outbox flush. */
  const sync = async (isFinal = false) => {
    lastSyncAt = Date.now();
    const current = shown();
    syncedText = current;
    const pieces = current.trim() ? splitMarkdown(current, maxTextLength) : [];
    for (const [index, piece] of pieces.entries()) {
      const existing = chunks[index];
      const part = { type: "markdown" as const, text: piece };
      if (!existing) {
        const delivered = await delivery.send(`${keyBase}:${index}`, to, part, { isPartial: canStream && !isFinal });
        if (!delivered) {
          if (isFinal) {
            for (const [later, rest] of pieces.slice(index + 1).entries()) {
              await delivery.enqueue(`${keyBase}:${index + 1 + later}`, to, { type: "markdown", text: rest });
            }
          }
          return;
        }
        markReplied();
        chunks[index] = { sent: delivered.sent, text: piece };
        // A re-run after a crash finds the message already sent, with the text of the first run.
        if (delivered.wasSentBefore && canStream) await delivery.edit(`${keyBase}:${index}`, delivered.sent, part, { isFinal });
      } else if (canStream && (existing.text !== piece || (isFinal && needsFinalEdit))) {
        await delivery.edit(`${keyBase}:${index}`, existing.sent, part, { isFinal });
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

  /** Schedules the next edit no sooner than `minEditIntervalMs` after the last one began, and only once it settled. */
  const scheduleSync = () => {
    if (!canStream || syncTimer || pendingSync) return;
    const waitMs = Math.max(0, lastSyncAt + minEditIntervalMs - Date.now());
    syncTimer = setTimeout(runSync, waitMs);
  };

  const typingIntervalMs = options.typingIntervalMs ?? 4000;
  const showTyping = () => {
    if (!adapter.showTyping || (canStream && hasReplied)) return;
    adapter.showTyping(to).catch((error: unknown) => logger.debug({ err: error }, "typing indicator failed"));
  };
  // An answer that comes at once needs no typing indicator (one API call saved per message).
  let typingTimer = setTimeout(function firstTyping() {
    showTyping();
    typingTimer = setInterval(showTyping, typingIntervalMs);
  }, options.typingDelayMs ?? 300);
  // A platform that cannot stream says once that a slow answer is coming.
  let workingNotice: Promise<unknown> | undefined;
  const workingNoticeAfterMs = canStream ? undefined : adapter.capabilities.workingNoticeAfterMs;
  const workingTimer =
    workingNoticeAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          if (hasReplied) return;
          workingNotice = delivery.send(`${keyBase}:working`, to, { type: "markdown", text: "⏳ Working on it…" });
        }, workingNoticeAfterMs);

  try {
    for await (const event of abortable(events, signal)) {
      switch (event.type) {
        case "text-delta":
          text += event.text;
          statusLine = "";
          scheduleSync();
          break;
        case "artifact":
          artifactCount += 1;
          if (await delivery.send(`${keyBase}:a${artifactCount}`, to, event.part)) markReplied();
          break;
        case "usage":
          await options.onUsage?.(event);
          break;
        case "status":
          statusLine = oneLine(event.text);
          scheduleSync();
          break;
        case "tool":
          statusLine = event.phase === "start" ? oneLine(`⚙️ ${event.name}: ${event.summary ?? ""}`) : "";
          scheduleSync();
          break;
        case "done":
          break;
        default:
          assertNever(event);
      }
    }
  } finally {
    clearTimeout(typingTimer);
    clearTimeout(workingTimer);
    await workingNotice;
    clearTimeout(syncTimer);
    syncTimer = undefined;
    await pendingSync;
  }
  statusLine = "";
  // A shutdown is not the end of the answer: the message stays as it is, and the re-run at the next start completes it.
  if (isShutdownAbort(signal)) return { text, isStopped: true };
  const isStopped = signal.aborted;
  if (isStopped && text.trim()) text = `${text.trimEnd()} …`;
  // The last edit keeps the interval too (platforms count every edit against their rate limit),
  // except after a stop, which shows at once.
  const waitMs = lastSyncAt + minEditIntervalMs - Date.now();
  if (canStream && !isStopped && chunks.length > 0 && text !== syncedText && waitMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  await sync(true);
  return { text, isStopped };
}
