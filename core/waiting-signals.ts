import type { Delivery } from "./delivery.ts";
import { translate, type Locale } from "./i18n/catalogue.ts";
import type { Adapter } from "./types/adapter.ts";
import type { ConversationRef } from "./types/conversation.ts";
import type { Logger } from "./types/logger.ts";

export interface WaitingSignalsOptions {
  adapter: Adapter;
  delivery: Delivery;
  logger: Logger;
  to: ConversationRef;
  keyBase: string;
  /** Whether a part of the answer reached the chat: then a streaming platform shows no typing, and no notice is due. */
  hasReplied(): boolean;
  /** How long the agent may take before a typing indicator shows, and how often it is renewed after. */
  typingDelayMs?: number;
  typingIntervalMs?: number;
  /** The language of the working notice (default `en`). */
  locale?: Locale;
}

/**
 * What the chat shows while the agent works: a typing indicator after a short delay (an answer that comes at
 * once needs none: one API call saved per message), renewed until the answer streams; and on a platform that
 * cannot stream, one "working on it" notice when the answer is slow. `stop` clears both timers and waits for a
 * notice under way.
 */
export function startWaitingSignals(options: WaitingSignalsOptions): { stop(): Promise<void> } {
  const { adapter, delivery, logger, to } = options;
  const canStream = adapter.edit !== undefined;
  const showTyping = () => {
    if (!adapter.showTyping || (canStream && options.hasReplied())) return;
    adapter.showTyping(to).catch((error: unknown) => logger.debug({ err: error }, "typing indicator failed"));
  };
  let typingTimer = setTimeout(function firstTyping() {
    showTyping();
    typingTimer = setInterval(showTyping, options.typingIntervalMs ?? 4000);
  }, options.typingDelayMs ?? 300);
  let workingNotice: Promise<unknown> | undefined;
  const workingNoticeAfterMs = canStream ? undefined : adapter.capabilities.workingNoticeAfterMs;
  const workingTimer =
    workingNoticeAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          if (options.hasReplied()) return;
          workingNotice = delivery.send(`${options.keyBase}:working`, to, { type: "markdown", text: translate(options.locale ?? "en", "working.notice") });
        }, workingNoticeAfterMs);
  return {
    async stop() {
      clearTimeout(typingTimer);
      clearTimeout(workingTimer);
      await workingNotice;
    },
  };
}
