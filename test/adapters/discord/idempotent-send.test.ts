import { afterEach, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../../adapters/discord/index.ts";
import { discordNonce } from "../../../adapters/discord/outbound.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import type { ConversationRef } from "../../../core/types/conversation.ts";
import type { ReplyPart } from "../../../core/types/reply.ts";
import { alice, channelId, startFakeDiscord, type FakeDiscord } from "../../fakes/discord.ts";
import { sendCutOffThenAgain, type ResendBy } from "../../support/cut-off-send.ts";
import { silentLogger } from "../../support/recording-logger.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(): Promise<{ fake: FakeDiscord; adapter: Adapter }> {
  fake = await startFakeDiscord();
  const settings = { botToken: fake.token, hasThreads: false, apiBase: fake.apiBase, gatewayUrl: undefined };
  return { fake, adapter: createDiscordAdapter(settings, { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 }) };
}

const inChannel: ConversationRef = { platform: "discord", chatId: channelId, kind: "group", inReplyTo: { messageId: "600000000000000001", senderId: alice.id, senderName: "Alice" } };
const answer: ReplyPart = { type: "markdown", text: "the answer" };
const sendsTo = (h: { fake: FakeDiscord }) => h.fake.callsTo("POST", new RegExp(`/channels/${channelId}/messages$`));

describe("Discord: a send cut off by a crash and sent again shows once", () => {
  for (const resendBy of ["send", "flush"] as const satisfies readonly ResendBy[]) {
    it(`sends one message when the part is sent again by the ${resendBy === "send" ? "turn run again" : "outbox flush"}`, async () => {
      const h = await start();
      const { logger, row } = await sendCutOffThenAgain(h.adapter, `discord:${channelId}:m1:0`, inChannel, answer, resendBy);
      expect(logger.find({ level: "warn", message: /cut off/ })).toBeDefined();
      expect(h.fake.textsIn(channelId)).toEqual(["the answer"]);
      // The second send returned the first message, which the outbox now records as sent.
      expect(row).toMatchObject({ status: "sent", messageId: h.fake.messages[0]!.id });
      const [first, again] = sendsTo(h);
      expect(again?.body).toMatchObject({ nonce: first!.body!.nonce, enforce_nonce: true });
    });
  }

  it("sends a new message for a new part: each part has its own nonce", async () => {
    const h = await start();
    await sendCutOffThenAgain(h.adapter, `discord:${channelId}:m2:0`, inChannel, answer, "send");
    await sendCutOffThenAgain(h.adapter, `discord:${channelId}:m2:1`, inChannel, { type: "markdown", text: "more" }, "send");
    expect(h.fake.textsIn(channelId)).toEqual(["the answer", "more"]);
  });

  it("sends no nonce with a send that has no key, and none with an edit", async () => {
    const h = await start();
    const sent = await h.adapter.send(inChannel, answer);
    await h.adapter.edit!(sent, { type: "markdown", text: "the answer, edited" });
    expect(sendsTo(h)[0]!.body).not.toHaveProperty("nonce");
    expect(h.fake.callsTo("PATCH", /\/messages\/\d+$/)[0]!.body).not.toHaveProperty("nonce");
  });
});

describe("Discord nonce", () => {
  it("is the same for the same key and message, within Discord's 25 characters, and differs per message of a part", () => {
    const key = `discord:${channelId}:${"9".repeat(19)}:a12`;
    expect(discordNonce(key, "0")).toBe(discordNonce(key, "0"));
    expect(discordNonce(key, "0")).toMatch(/^[A-Za-z0-9_-]{1,25}$/);
    const nonces = [discordNonce(key, "0"), discordNonce(key, "0:file"), discordNonce(key, "1"), discordNonce(`${key}0`, "0")];
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});
