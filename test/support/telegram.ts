import type { Env } from "../../core/config.ts";
import type { AgentEvent, AgentInput } from "../../core/types/agent.ts";
import type { GatewayOptions } from "../../gateway/gateway.ts";
import type { FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { emit, fakeAgent, pause } from "./fake-agent.ts";
import { startTestGateway } from "./web-chat-client.ts";

export const alice = { id: 100000001, is_bot: false, first_name: "Alice", username: "alice" };
export const groupChat = { id: -1001000000001, type: "supergroup", title: "Team" };
let messageCounter = 100;

/** The env that turns the Telegram channel on against the fake, DMs open to everyone. */
export function telegramEnv(fake: FakeBotApi, extra: Env = {}): Env {
  return { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention", ...extra };
}

export async function startTelegramGateway(fake: FakeBotApi, env: Env = {}, options: GatewayOptions = {}) {
  return startTestGateway(telegramEnv(fake, env), options);
}

/** A `message` update from Alice: in her DM by default, or in `chat`. */
export function messageUpdate(fields: Record<string, unknown>, chat: Record<string, unknown> = { id: alice.id, type: "private", first_name: "Alice" }) {
  return { message: { message_id: ++messageCounter, from: alice, chat, date: Math.floor(Date.now() / 1000), ...fields } };
}

export function textUpdate(text: string, chat?: Record<string, unknown>, fields: Record<string, unknown> = {}) {
  return messageUpdate({ text, ...fields }, chat);
}

/** A text whose `@name` words carry mention entities, as Telegram sends them. */
export function mentionEntities(text: string) {
  return [...text.matchAll(/@\w+/g)].map((match) => ({ type: "mention", offset: match.index, length: match[0].length }));
}

/** An agent that records its inputs and answers with `events(input)`, `delayMs` before each. */
export function recordingAgent(events: (input: AgentInput) => AgentEvent[], options: { delayMs?: number; acceptsImages?: boolean } = {}) {
  const steps = (input: AgentInput) => events(input).flatMap((event) => (options.delayMs ? [pause(options.delayMs), emit(event)] : [emit(event)]));
  return fakeAgent(steps, { id: "recorder", acceptsImages: options.acceptsImages ?? false });
}
