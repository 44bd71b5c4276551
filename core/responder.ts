import type { Delivery } from "./delivery.ts";
import { abortable } from "./abortable.ts";
import { createEditScheduler } from "./edit-scheduler.ts";
import { isShutdownAbort } from "./queue.ts";
import type { Adapter } from "./types/adapter.ts";
import type { AgentEvent } from "./types/agent.ts";
import type { ConversationRef } from "./types/conversation.ts";
import { assertNever } from "./types/errors.ts";
import type { Logger } from "./types/logger.ts";
import { startWaitingSignals } from "./waiting-signals.ts";
import type { Locale } from "./i18n/catalogue.ts";

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
  /** The language of the working notice (default `en`). */
  locale?: Locale;
}

export interface ResponseOutcome {
  text: string;
  isStopped: boolean;
}

function oneLine(text: string, maxLength = 120): string {
  const line = text.replace(/\s+/g, " ").replaceAll("_", "\\_").trim();
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

/**
 * The responder: turns the agent's event stream into messages. Text streams through the edit scheduler
 * (core/edit-scheduler.ts), with what the agent is doing shown under it; artifacts are sent as they come;
 * the typing indicator and the working notice (core/waiting-signals.ts) run until the stream ends.
 */
export async function respond(
  options: ResponderOptions,
  to: ConversationRef,
  keyBase: string,
  events: AsyncIterable<AgentEvent>,
  signal: AbortSignal,
): Promise<ResponseOutcome> {
  const { adapter, delivery } = options;
  let text = "";
  /** What the agent is doing right now (a tool running, its last output line), shown under the text while streaming. */
  let statusLine = "";
  let artifactCount = 0;
  let hasReplied = false;
  const markReplied = () => {
    if (hasReplied) return;
    hasReplied = true;
    options.onFirstReply?.();
  };
  const edits = createEditScheduler({
    adapter, delivery, to, keyBase,
    content: () => (statusLine ? `${text}\n\n_${statusLine}_` : text),
    onSent: markReplied,
    isFenced: () => isShutdownAbort(signal),
  });
  const waiting = startWaitingSignals({
    adapter, delivery, logger: options.logger, to, keyBase,
    hasReplied: () => hasReplied,
    locale: options.locale ?? "en",
    ...(options.typingDelayMs !== undefined ? { typingDelayMs: options.typingDelayMs } : {}),
    ...(options.typingIntervalMs !== undefined ? { typingIntervalMs: options.typingIntervalMs } : {}),
  });

  try {
    for await (const event of abortable(events, signal)) {
      switch (event.type) {
        case "text-delta":
          text += event.text;
          statusLine = "";
          edits.request();
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
          edits.request();
          break;
        case "tool":
          statusLine = event.phase === "start" ? oneLine(`⚙️ ${event.name}: ${event.summary ?? ""}`) : "";
          edits.request();
          break;
        case "done":
          break;
        default:
          assertNever(event);
      }
    }
  } finally {
    await waiting.stop();
    await edits.quiesce();
  }
  statusLine = "";
  // A shutdown is not the end of the answer: the message stays as it is, and the re-run at the next start completes it.
  if (isShutdownAbort(signal)) return { text, isStopped: true };
  const isStopped = signal.aborted;
  if (isStopped && text.trim()) text = `${text.trimEnd()} …`;
  await edits.finish(isStopped);
  return { text, isStopped };
}
