import type { Client } from "@larksuiteoapi/node-sdk";
import { z } from "zod";
import type { Logger } from "../../core/types/logger.ts";
import type { FeishuCall } from "./api.ts";

/** One item of `GET /open-apis/im/v1/messages` (container_id_type=chat). */
const listedMessageSchema = z.object({
  message_id: z.string(),
  root_id: z.string().nullish(),
  parent_id: z.string().nullish(),
  thread_id: z.string().nullish(),
  msg_type: z.string(),
  create_time: z.string(),
  chat_id: z.string(),
  deleted: z.boolean().nullish(),
  sender: z.object({ id: z.string().nullish(), id_type: z.string().nullish(), sender_type: z.string() }),
  body: z.object({ content: z.string() }).nullish(),
  mentions: z.array(z.object({ key: z.string(), id: z.string(), name: z.string().nullish() })).nullish(),
});
const listSchema = z.object({
  data: z.object({ items: z.array(z.unknown()).nullish(), has_more: z.boolean().nullish(), page_token: z.string().nullish() }).nullish(),
});

export interface FeishuCatchUpDeps {
  client: Client;
  call: FeishuCall;
  logger: Logger;
  /** Puts one missed message, as the `event` of an im.message.receive_v1, through the ordinary path (the inbox dedupes). */
  deliver(event: unknown): Promise<void>;
  maxChats?: number;
  maxMessagesPerChat?: number;
}

/**
 * What was said in a chat while the long connection was down: Feishu does not replay missed events on
 * the long connection, but lists a chat's messages. For each chat the bot heard from (in memory,
 * bounded: lost on restart), the messages created after the last one stored are delivered again.
 */
export function createFeishuCatchUp(deps: FeishuCatchUpDeps) {
  const maxChats = deps.maxChats ?? 200;
  const maxMessages = deps.maxMessagesPerChat ?? 100;
  const lastByChat = new Map<string, { createdAtMs: number; kind: "p2p" | "group" }>();
  let running: Promise<void> | undefined;

  const note = (chatId: string, createdAtMs: number, chatType: string) => {
    const last = lastByChat.get(chatId);
    if (last && last.createdAtMs >= createdAtMs) return;
    lastByChat.delete(chatId);
    lastByChat.set(chatId, { createdAtMs, kind: chatType === "p2p" ? "p2p" : "group" });
    while (lastByChat.size > maxChats) lastByChat.delete(lastByChat.keys().next().value!);
  };

  const missedIn = async (chatId: string, afterMs: number) => {
    const missed: z.infer<typeof listedMessageSchema>[] = [];
    let pageToken: string | undefined;
    do {
      const params: Record<string, string> = {
        container_id_type: "chat",
        container_id: chatId,
        start_time: String(Math.floor(afterMs / 1000)),
        sort_type: "ByCreateTimeAsc",
        page_size: "50",
        ...(pageToken ? { page_token: pageToken } : {}),
      };
      const body = listSchema.parse(await deps.call("im/v1/messages list", () => deps.client.request({ method: "GET", url: "/open-apis/im/v1/messages", params })));
      for (const raw of body.data?.items ?? []) {
        const item = listedMessageSchema.safeParse(raw);
        if (item.success && !item.data.deleted && Number(item.data.create_time) > afterMs) missed.push(item.data);
      }
      pageToken = body.data?.has_more ? (body.data.page_token ?? undefined) : undefined;
    } while (pageToken && missed.length < maxMessages);
    return missed.slice(0, maxMessages);
  };

  const catchUpChat = async (chatId: string, last: { createdAtMs: number; kind: "p2p" | "group" }) => {
    let missed: z.infer<typeof listedMessageSchema>[];
    try {
      missed = await missedIn(chatId, last.createdAtMs);
    } catch (error) {
      deps.logger.warn({ err: error, chatId }, "feishu catch-up: could not list the chat's messages");
      return;
    }
    if (missed.length > 0) deps.logger.info({ chatId, count: missed.length }, "feishu catch-up: answering messages sent while the connection was down");
    for (const item of missed) {
      const event = {
        sender: { sender_id: item.sender.id ? { open_id: item.sender.id } : undefined, sender_type: item.sender.sender_type },
        message: {
          message_id: item.message_id,
          root_id: item.root_id,
          parent_id: item.parent_id,
          thread_id: item.thread_id,
          create_time: item.create_time,
          chat_id: chatId,
          chat_type: last.kind,
          message_type: item.msg_type,
          content: item.body?.content ?? "{}",
          mentions: (item.mentions ?? []).map((mention) => ({ key: mention.key, id: { open_id: mention.id }, name: mention.name ?? "" })),
        },
      };
      try {
        await deps.deliver(event);
      } catch (error) {
        deps.logger.warn({ err: error, chatId, messageId: item.message_id }, "feishu catch-up: a missed message was not stored");
        return;
      }
      note(chatId, Number(item.create_time), last.kind);
    }
  };

  return {
    note,
    run(): Promise<void> {
      running ??= (async () => {
        for (const [chatId, last] of [...lastByChat]) await catchUpChat(chatId, last);
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
