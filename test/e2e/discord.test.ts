import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { alice, bot, channelId, dmChannelId, guildId, startFakeDiscord, type FakeDiscord } from "../fakes/discord.ts";
import { eventually } from "../support/eventually.ts";
import { startDiscordGateway } from "../support/discord.ts";
import { recordingAgent } from "../support/telegram.ts";

let gateway: Gateway | undefined;
let fake: FakeDiscord | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

describe("Discord over the gateway and the HTTP API", () => {
  it("streams a DM answer: one message, then edits, ending with the agent's exact text, answered once", async () => {
    fake = await startFakeDiscord();
    const pieces = ["Hello ", "from **the** agent, ", "in three pieces."];
    const { agent, inputs } = recordingAgent(() => pieces.map((text) => ({ type: "text-delta" as const, text })), { delayMs: 700 });
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    expect(fake.identifies[0]).toMatchObject({ token: fake.token, intents: (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15) });
    fake.messageCreate({ content: "hi bot" });
    await eventually(() => fake!.textsIn(dmChannelId)[0] === "Hello from **the** agent, in three pieces.", 8000);
    await gateway.pipeline.idle();
    expect(fake.callsTo("POST", /\/channels\/\d+\/messages$/)).toHaveLength(1);
    const edits = fake.callsTo("PATCH", /\/channels\/\d+\/messages\/\d+$/);
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(inputs.map((input) => input.text)).toEqual(["hi bot"]);
    expect(fake.callsTo("POST", /\/channels\/\d+\/typing$/).length).toBeGreaterThanOrEqual(1);
  }, 15_000);
});
