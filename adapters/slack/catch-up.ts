import type { SlackClient } from "./outbound.ts";
import { z } from "zod";
import type { Logger } from "../../core/types/logger.ts";

const historySchema = z.object({
  messages: z.array(z.looseObject({ ts: z.string(), type: z.string().nullish() })).nullish(),
  has_more: z.boolean().nullish(),
  response_metadata: z.object({ next_cursor: z.string().nullish() }).nullish(),
});

export interface SlackCatchUpDeps {
  client: SlackClient;
  logger: Logger;
  /** Puts one missed message, as an `event_callback` body, through the ordinary inbound path (the inbox dedupes). */
  deliver(body: { type: "event_callback"; event: Record<string, unknown> }): Promise<void>;
  /** How many channels are remembered (the least recently active is forgotten first). */
  maxChannels?: number;
  /** At most this many missed messages per channel are fetched after one gap. */
  maxMessagesPerChannel?: number;
}

const isNewer = (ts: string, than: string | undefined) => than === undefined || Number.parseFloat(ts) > Number.parseFloat(than);

/**
 * What was said while the socket was down. Slack does not replay events a dead socket missed, but
 * `conversations.history` lists them: for every channel the bot has heard from, the messages newer than
 * the last one it stored. The channels and their last `ts` are kept in memory only (bounded): after a
 * restart, catch-up starts again from the first message heard. Thread replies are not listed by
 * `conversations.history` and are not caught up.
 */
export function createSlackCatchUp(deps: SlackCatchUpDeps) {
  const maxChannels = deps.maxChannels ?? 200;
  const maxMessages = deps.maxMessagesPerChannel ?? 100;
  const lastTsByChannel = new Map<string, string>();
  let running: Promise<void> | undefined;

  const note = (channel: string, ts: string) => {
    const last = lastTsByChannel.get(channel);
    if (!isNewer(ts, last)) return;
    lastTsByChannel.delete(channel);
    lastTsByChannel.set(channel, ts);
    while (lastTsByChannel.size > maxChannels) lastTsByChannel.delete(lastTsByChannel.keys().next().value!);
  };

  const missedIn = async (channel: string, oldest: string) => {
    const missed: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const page = historySchema.parse(
        await deps.client.conversations.history({ channel, oldest, inclusive: false, limit: Math.min(100, maxMessages), ...(cursor ? { cursor } : {}) }),
      );
      missed.push(...(page.messages ?? []).filter((message) => isNewer(message.ts, oldest)));
      cursor = page.has_more ? (page.response_metadata?.next_cursor ?? undefined) : undefined;
    } while (cursor && missed.length < maxMessages);
    // Slack lists newest first; they are answered in the order they were written.
    return missed.sort((a, b) => Number.parseFloat(String(a.ts)) - Number.parseFloat(String(b.ts))).slice(0, maxMessages);
  };

  const catchUpChannel = async (channel: string, oldest: string) => {
    let missed: Record<string, unknown>[];
    try {
      missed = await missedIn(channel, oldest);
    } catch (error) {
      deps.logger.warn({ err: error, channel }, "slack catch-up: could not list the channel's history");
      return;
    }
    if (missed.length > 0) deps.logger.info({ channel, count: missed.length }, "slack catch-up: answering messages sent while the socket was down");
    for (const message of missed) {
      try {
        await deps.deliver({ type: "event_callback", event: { ...message, type: "message", channel } });
      } catch (error) {
        deps.logger.warn({ err: error, channel, ts: message.ts }, "slack catch-up: a missed message was not stored");
        return;
      }
      note(channel, String(message.ts));
    }
  };

  return {
    /** A message from `channel` is in the inbox: catch-up starts after it. */
    note,
    /** Fetches and delivers what each remembered channel missed; one run at a time. */
    run(): Promise<void> {
      running ??= (async () => {
        for (const [channel, oldest] of [...lastTsByChannel]) await catchUpChannel(channel, oldest);
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
