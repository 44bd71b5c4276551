import type { AgentInput } from "../../core/types/agent.ts";
import type { Env } from "../../core/config.ts";
import { fakeAppId, fakeAppSecret } from "../fakes/feishu-open-platform.ts";
import { fakeEncryptKey, fakeVerificationToken } from "../fakes/feishu-events.ts";
import { fakeAgent, streamed } from "./fake-agent.ts";

/** An agent that records what reached it and answers with `pieces`, `delayMs` apart (so streaming shows). */
export function scriptedAgent(pieces: (input: AgentInput) => string[], options: { delayMs?: number; acceptsImages?: boolean } = {}) {
  return fakeAgent((input) => streamed(pieces(input), options.delayMs), { id: "scripted", acceptsImages: options.acceptsImages ?? false });
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
