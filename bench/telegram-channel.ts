import type { BenchBotApi } from "./bot-api-fake.ts";
import type { Channel } from "./channel.ts";
import type { LoadPlan, Target } from "./load-client.ts";

export const telegramWebhookPath = "webhooks/telegram";

/**
 * Telegram by webhook for one run: each message is an update from a private chat, POSTed to the
 * server's webhook with the secret header; its echo arrives at the fake Bot API. `runNumber` makes the
 * chats new in every run (as the web channel's conversations are), so `chat:message_id` never repeats.
 */
export function createTelegramChannel(target: Extract<Target, { type: "telegram" }>, plan: LoadPlan, botApi: BenchBotApi, runNumber: number): Channel {
  const chatId = (index: number) => 1_000_000 + runNumber * 1_000 + (index % plan.conversationCount);
  const postUrls = [target.url, ...(target.moreUrls ?? [])].map((url) => new URL(telegramWebhookPath, url));
  const headers = { "x-telegram-bot-api-secret-token": target.secretToken };
  let frameCount = 0;

  return {
    async open(onEcho) {
      botApi.listen((ids, at) => {
        frameCount += 1;
        for (const id of ids) onEcho(id, at);
      });
    },
    close() {
      botApi.listen(undefined);
    },
    post(index, messageId) {
      const chat = chatId(index);
      const update = {
        update_id: runNumber * 1_000_000 + index + 1,
        message: {
          message_id: index + 1,
          from: { id: chat, is_bot: false, first_name: "Bench" },
          chat: { id: chat, type: "private" },
          date: Math.floor(Date.now() / 1000),
          text: `/echo ${messageId}`,
        },
      };
      // Each chat's next message goes to the next process: a load balancer that knows nothing of chats.
      const turnInChat = Math.floor(index / plan.conversationCount);
      return { url: postUrls[((index % plan.conversationCount) + turnInChat) % postUrls.length]!, headers, body: JSON.stringify(update) };
    },
    answer: (status) => (status === 200 ? "accepted" : "refused"),
    inboxKey: (index) => `telegram:${chatId(index)}:${index + 1}`,
    replyFrameCount: () => frameCount,
  };
}
