import { setTimeout as sleep } from "node:timers/promises";
import type { Agent, AgentEvent, AgentInput } from "../../core/types/agent.ts";
import type { Env } from "../../core/config.ts";
import { fakeAppId, fakeAppSecret } from "../fakes/feishu-open-platform.ts";
import { fakeEncryptKey, fakeVerificationToken } from "../fakes/feishu-events.ts";

/** An agent that records what reached it and answers with `pieces`, `delayMs` apart (so streaming shows). */
export function scriptedAgent(pieces: (input: AgentInput) => string[], options: { delayMs?: number; acceptsImages?: boolean } = {}) {
  const inputs: AgentInput[] = [];
  const agent: Agent = {
    id: "scripted",
    acceptsImages: options.acceptsImages ?? false,
    async *run(input): AsyncIterable<AgentEvent> {
      inputs.push(input);
      for (const [index, text] of pieces(input).entries()) {
        if (index > 0 && options.delayMs) await sleep(options.delayMs);
        yield { type: "text-delta", text };
      }
      yield { type: "done" };
    },
  };
  return { agent, inputs };
}

export function feishuEnv(origin: string, extra: Env = {}): Env {
  return {
    FEISHU_APP_ID: fakeAppId,
    FEISHU_APP_SECRET: fakeAppSecret,
    FEISHU_DOMAIN: origin,
    PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention",
    ...extra,
  };
}

export const webhookEnv = (origin: string, extra: Env = {}): Env =>
  feishuEnv(origin, {
    FEISHU_CONNECTION: "webhook",
    FEISHU_VERIFICATION_TOKEN: fakeVerificationToken,
    FEISHU_ENCRYPT_KEY: fakeEncryptKey,
    ...extra,
  });
