import { randomUUID } from "node:crypto";
import type { Gateway } from "../../gateway/gateway.ts";
import type { FakeBotApi } from "../fakes/telegram-bot-api.ts";
import type { FakeQq } from "../fakes/qq.ts";
import type { FakeSlack } from "../fakes/slack-api.ts";
import { robotMessage, type DingtalkFake } from "../fakes/dingtalk.ts";
import { bot, dmChannelId, guildId, type FakeDiscord } from "../fakes/discord.ts";
import { nextTs, postSlackEvent, slackEvents } from "../fakes/slack-events.ts";
import { eventually } from "./eventually.ts";
import { alice, mentionEntities, textUpdate } from "./telegram.ts";
import { openWebChat } from "./web-chat-client.ts";

/** How a conversation reaches one chat of one platform: what a person sends, what the bot shows there. */
export interface ChatDriver {
  /** Sends `text` as the person; resolves to the platform's id of the message sent. */
  send(text: string): Promise<{ id: string }>;
  /** The bot's messages in this chat, oldest first, each as last edited. */
  answers(): string[];
  /** Resolves once everything sent so far has been taken in and the gateway has nothing left to do. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface Conversation {
  /** The person says `text` in the chat; resolves to the platform's id of their message. */
  says(text: string): Promise<{ id: string }>;
  /** Waits for the next bot message (after those already expected) to read `expected` (exactly, or matching). */
  expectAnswer(expected: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until the gateway is idle and checks the bot said nothing new. */
  expectNoAnswer(): Promise<void>;
  /** Every bot message in the chat so far. */
  answers(): string[];
  close(): Promise<void>;
}

const reads = (text: string, expected: string | RegExp) => (typeof expected === "string" ? text === expected : expected.test(text));

/** "User says X in chat C → bot answers Y", over any platform's driver. */
export function conversationOn(driver: ChatDriver): Conversation {
  let expectedCount = 0;
  return {
    says: (text) => driver.send(text),
    async expectAnswer(expected, timeoutMs = 4000) {
      try {
        await eventually(() => {
          const next = driver.answers()[expectedCount];
          return next !== undefined && reads(next, expected);
        }, timeoutMs);
      } catch (error) {
        const seen = driver.answers().slice(expectedCount);
        throw new Error(`expected the bot to answer ${String(expected)}; it said ${JSON.stringify(seen)}`, { cause: error });
      }
      return driver.answers()[expectedCount++]!;
    },
    async expectNoAnswer() {
      await driver.settle();
      const extra = driver.answers().slice(expectedCount);
      if (extra.length > 0) throw new Error(`expected no answer; the bot said ${JSON.stringify(extra)}`);
    },
    answers: () => driver.answers(),
    close: () => driver.close(),
  };
}

/**
 * The web chat of a running gateway, as the owner's page (one conversation id). Settling sends `/help` (core answers
 * it, after everything sent before, whatever the agent) and waits for its answer, which the driver then hides: the
 * page's event stream is then known to have shown everything before it.
 */
export async function webChat(gateway: Gateway, conversationId?: string): Promise<ChatDriver> {
  const chat = await openWebChat(gateway, conversationId);
  const hidden = new Set<string>();
  const shown = () => chat.botMessages().filter((message) => !hidden.has(message.messageId));
  return {
    async send(text) {
      const id = randomUUID().replaceAll("-", "");
      const { status } = await chat.say(text, id);
      if (status !== 202) throw new Error(`the web chat refused "${text}" with HTTP ${status}`);
      return { id };
    },
    answers: () => shown().map((message) => ("text" in message.part ? message.part.text : message.part.type)),
    async settle() {
      await gateway.pipeline.idle();
      const known = new Set(chat.botMessages().map((message) => message.messageId));
      await chat.say("/help");
      const isHelp = (message: ReturnType<typeof chat.botMessages>[number]) =>
        !known.has(message.messageId) && "text" in message.part && message.part.text.startsWith("Commands:");
      await chat.waitFor(() => chat.botMessages().some(isHelp));
      for (const message of chat.botMessages().filter(isHelp)) hidden.add(message.messageId);
    },
    close: chat.close,
  };
}

/** The entities Telegram adds to a text: a leading `/command` (with its `@bot`), then each other `@name`. */
export function telegramEntities(text: string) {
  const command = /^\/\w+(?:@\w+)?/.exec(text)?.[0];
  const mentions = mentionEntities(text).filter((entity) => entity.offset >= (command?.length ?? 0));
  return [...(command ? [{ type: "bot_command", offset: 0, length: command.length }] : []), ...mentions];
}

/**
 * One Telegram chat on the fake Bot API (Alice's DM unless `chat` is given), with the entities Telegram would add.
 * Settling waits until the poller confirmed the last update, then until the gateway is idle.
 */
export function telegramChat(gateway: Gateway, fake: FakeBotApi, chat?: Record<string, unknown> & { id: number }): ChatDriver {
  const chatId = chat?.id ?? alice.id;
  let lastUpdateId = -1;
  return {
    async send(text) {
      const entities = telegramEntities(text);
      const update = textUpdate(text, chat, entities.length > 0 ? { entities } : {});
      lastUpdateId = fake.push(update).update_id as number;
      return { id: String(update.message.message_id) };
    },
    answers: () => fake.textsIn(chatId),
    async settle() {
      if (lastUpdateId >= 0) {
        await fake.waitFor((calls) => calls.some((call) => call.apiMethod === "getUpdates" && Number(call.params.offset) > lastUpdateId));
      }
      await gateway.pipeline.idle();
    },
    close: async () => {},
  };
}

/**
 * One Slack DM (or, with `channel`, a channel where each message mentions the bot) over the Events API against the fake
 * Web API; the gateway must be started with `signingSecret`.
 */
export function slackChat(gateway: Gateway, slack: FakeSlack, signingSecret: string, options: { channel?: string } = {}): ChatDriver {
  const url = `${gateway.url}webhooks/slack/events`;
  const channel = options.channel ?? "D00FAKEDM001";
  return {
    async send(text) {
      const ts = nextTs();
      const body = options.channel ? slackEvents.appMention(text, { channel, ts }) : slackEvents.im(text, { channel, ts });
      const { status } = await postSlackEvent(url, signingSecret, body);
      if (status !== 200) throw new Error(`the Slack webhook refused "${text}" with HTTP ${status}`);
      return { id: ts };
    },
    answers: () => slack.messages.filter((message) => message.channel === channel).map((message) => message.text),
    settle: () => gateway.pipeline.idle(),
    close: async () => {},
  };
}

/**
 * One DingTalk chat on the fake (the 1:1 chat with staff id `manager4520`, or with `group` an open conversation id where
 * each message @mentions the robot), over the Stream protocol. Settling waits until every frame sent was acknowledged
 * (the inbox has it), then until the gateway is idle.
 */
export function dingtalkChat(gateway: Gateway, fake: DingtalkFake, options: { group?: string } = {}): ChatDriver {
  const chatId = options.group ?? "manager4520";
  const frames: string[] = [];
  let count = 0;
  return {
    async send(text) {
      count += 1;
      const msgId = `msg${Date.now()}${count}`;
      const shape = options.group ? { conversationType: "2", conversationId: options.group, isInAtList: true } : {};
      frames.push(fake.pushMessage(robotMessage(fake, { msgId, text: { content: text }, ...shape })));
      return { id: frames.at(-1)! };
    },
    answers: () => fake.messages.filter((message) => message.chatId === chatId).map((message) => message.text),
    async settle() {
      await fake.waitFor(() => frames.every((id) => fake.acks.some((ack) => ack.messageId === id)));
      await gateway.pipeline.idle();
    },
    close: async () => {},
  };
}

/**
 * One Discord chat on the fake: Alice's DM, or with `channel` a server channel (answers there and in the threads the
 * bot opens under it). `<@bot>` in a text becomes a real mention (the fake lists it in `mentions[]`). Settling sends
 * `/help` (core answers it once everything before was taken in, the gateway's events being taken in order), waits for
 * its answer, which the driver then hides, and waits until the gateway is idle.
 */
export function discordChat(gateway: Gateway, fake: FakeDiscord, options: { channel?: string } = {}): ChatDriver {
  const channel = options.channel ?? dmChannelId;
  const where = options.channel ? { guild_id: guildId, channel_id: channel, member: { nick: null, roles: [] } } : { channel_id: channel };
  const hidden = new Set<number>();
  const all = () => fake.textsUnder(channel);
  return {
    async send(text) {
      return { id: fake.messageCreate({ ...where, content: text.replaceAll("@bot", `<@${bot.id}>`) }).id };
    },
    answers: () => all().filter((_text, index) => !hidden.has(index)),
    async settle() {
      const before = all().length;
      fake.messageCreate({ ...where, content: "/help" });
      await eventually(() => all().slice(before).some((text) => text.startsWith("Commands:")));
      all().forEach((text, index) => {
        if (index >= before && text.startsWith("Commands:")) hidden.add(index);
      });
      await gateway.pipeline.idle();
    },
    close: async () => {},
  };
}

/**
 * One QQ chat over the signed webhook: a C2C chat with the fake's user, or (with `scene: "group"`) a group
 * where each message @mentions the bot. Settling waits until the gateway is idle.
 */
export function qqChat(gateway: Gateway, fake: FakeQq, scene: "user" | "group" = "user"): ChatDriver {
  const url = `${gateway.url}webhooks/qq`;
  const chat = scene === "user" ? `user:${fake.openids.user}` : `group:${fake.openids.group}`;
  return {
    async send(text) {
      const payload = scene === "user" ? fake.events.c2c(text) : fake.events.groupAt(text);
      const { status } = await fake.deliver(url, payload);
      if (status !== 200) throw new Error(`the QQ webhook refused "${text}" with HTTP ${status}`);
      return { id: payload.d.id };
    },
    answers: () => fake.textsIn(chat),
    settle: () => gateway.pipeline.idle(),
    close: async () => {},
  };
}
