import type { Env } from "../../core/config.ts";
import type { GatewayOptions } from "../../gateway/gateway.ts";
import type { FakeDiscord } from "../fakes/discord.ts";
import { startTestGateway } from "./web-chat-client.ts";

/** The env that turns the Discord channel on against the fake, DMs open to everyone, server channels by mention. */
export function discordEnv(fake: FakeDiscord, extra: Env = {}): Env {
  return { DISCORD_BOT_TOKEN: fake.token, DISCORD_API_BASE: fake.apiBase, PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention", ...extra };
}

/** A gateway with the Discord channel, once its gateway connection is ready. */
export async function startDiscordGateway(fake: FakeDiscord, env: Env = {}, options: GatewayOptions = {}) {
  const started = await startTestGateway(discordEnv(fake, env), options);
  await fake.waitForSession();
  await waitReady(started.gateway.url);
  return started;
}

/** Until /readyz says every channel is connected. */
export async function waitReady(gatewayUrl: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${gatewayUrl}readyz`)).status !== 200) {
    if (Date.now() > deadline) throw new Error("the Discord channel did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
