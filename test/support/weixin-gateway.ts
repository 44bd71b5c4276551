import type { Env } from "../../core/config.ts";
import type { AgentInput } from "../../core/types/agent.ts";
import type { GatewayOptions } from "../../gateway/gateway.ts";
import { writeLogin } from "../../adapters/weixin/login-store.ts";
import type { FakeIlink } from "../fakes/weixin-ilink.ts";
import { fakeAgent, pause, say } from "./fake-agent.ts";
import { startTestGateway, tempDataDir } from "./web-chat-client.ts";

/** Stores a login for the fake in a fresh DATA_DIR (as `pincer weixin login` would) and starts the real gateway on it. */
export async function startWeixinGateway(fake: FakeIlink, env: Env = {}, options: GatewayOptions = {}, dataDir = tempDataDir()) {
  await writeLogin(dataDir, { botToken: fake.botToken, baseUrl: fake.origin, botId: fake.botId, userId: fake.ownerId, savedAt: Date.now() });
  const started = await startTestGateway(
    { DATA_DIR: dataDir, WEIXIN_API_BASE: fake.origin, WEIXIN_CDN_BASE: fake.cdnBase, PINCER_DM_POLICY: "open", ...env },
    options,
  );
  return { ...started, dataDir };
}

/** An agent that answers `answer(input)` after `delayMs`, and remembers every input it got. */
export function scriptedAgent(answer: (input: AgentInput) => string, delayMs: number | ((input: AgentInput) => number) = 0, acceptsImages = false) {
  return fakeAgent(
    (input) => {
      const waitMs = typeof delayMs === "number" ? delayMs : delayMs(input);
      return [...(waitMs > 0 ? [pause(waitMs)] : []), say(answer(input))];
    },
    { id: "scripted", acceptsImages },
  );
}
