import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { findFfmpeg } from "../../media/audio/ffmpeg.ts";
import { bob, bot, channelId, dmChannelId, guildId, startFakeDiscord, type FakeDiscord } from "../fakes/discord.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { encodeWithFfmpeg, toneWav } from "../media/audio/samples.ts";
import { conversationOn, discordChat } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { discordEnv, startDiscordGateway, waitReady } from "../support/discord.ts";
import { ownerAuth, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";
import { recordingAgent } from "../support/telegram.ts";

let gateway: Gateway | undefined;
let fake: FakeDiscord | undefined;
let openai: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  await openai?.close();
  gateway = fake = openai = undefined;
});

const inGuild = { guild_id: guildId, channel_id: channelId, member: { nick: null, roles: [] } };

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
    // Discord allows 5 messages (edits included) per 5 s in a channel: edits come 1.2 s apart (some slack for a busy machine).
    for (let index = 1; index < edits.length; index++) expect(edits[index]!.at - edits[index - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(inputs.map((input) => input.text)).toEqual(["hi bot"]);
    expect(fake.callsTo("POST", /\/channels\/\d+\/typing$/).length).toBeGreaterThanOrEqual(1);
  }, 15_000);

  it("in a server: no run without a mention; a mention is answered in a new thread; a reply to the bot is answered", async () => {
    fake = await startFakeDiscord();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.messageCreate({ ...inGuild, content: "lunch anyone?" });
    fake.messageCreate({ ...inGuild, content: `<@${bob.id}> you coming?` });
    await eventually(() => gateway!.pipeline !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await gateway.pipeline.idle();
    expect(inputs).toHaveLength(0);
    expect(fake.messages).toHaveLength(0);

    const asked = fake.messageCreate({ ...inGuild, content: `<@${bot.id}> what is 2+2?` });
    await eventually(() => fake!.textsIn(asked.id).includes("got: what is 2+2?"), 5000);
    const opened = fake.callsTo("POST", /\/threads$/);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.path).toContain(`/channels/${channelId}/messages/${asked.id}/threads`);
    expect(opened[0]!.body).toMatchObject({ name: "what is 2+2?" });

    // In the thread it opened, the bot answers every message, without a mention.
    fake.messageCreate({ guild_id: guildId, channel_id: asked.id, content: "and 3+3?" });
    await eventually(() => fake!.textsIn(asked.id).includes("got: and 3+3?"), 5000);
    expect(fake.callsTo("POST", /\/threads$/)).toHaveLength(1);

    await gateway.pipeline.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = fake.messages.find((message) => message.content === "got: what is 2+2?")!;
    const reply = fake.messageCreate({
      ...inGuild,
      type: 19,
      content: "and 4+4?",
      message_reference: { message_id: answer.id, channel_id: asked.id, guild_id: guildId },
      referenced_message: { id: answer.id, author: bot, content: answer.content, channel_id: asked.id, type: 0, mentions: [], attachments: [] },
    });
    await eventually(() => fake!.textsIn(reply.id).includes("got: and 4+4?"), 5000);
    expect(inputs.map((input) => input.text)).toEqual(["what is 2+2?", "and 3+3?", "and 4+4?"]);
  }, 20_000);

  it("after a restart, answers every message in a thread it opened earlier (learned with one GET /channels/{id})", async () => {
    fake = await startFakeDiscord();
    const threadId = "410000000000000001";
    fake.addThread(threadId, channelId, bot.id);
    const { agent } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.messageCreate({ guild_id: guildId, channel_id: threadId, content: "still there?" });
    await eventually(() => fake!.textsIn(threadId).includes("got: still there?"), 5000);
    fake.messageCreate({ guild_id: guildId, channel_id: threadId, content: "and again" });
    await eventually(() => fake!.textsIn(threadId).includes("got: and again"), 5000);
    expect(fake.callsTo("GET", new RegExp(`/channels/${threadId}$`))).toHaveLength(1);
    expect(fake.callsTo("POST", /\/threads$/)).toHaveLength(0);
  }, 15_000);

  it("knows the threads GUILD_CREATE lists: answers in its own without a mention (no lookup), in others only when addressed", async () => {
    fake = await startFakeDiscord();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    const own = "430000000000000001";
    const theirs = "430000000000000002";
    fake.dispatch("GUILD_CREATE", {
      id: guildId,
      name: "Test server",
      channels: [],
      threads: [
        { id: own, type: 11, guild_id: guildId, parent_id: channelId, owner_id: bot.id, name: "earlier" },
        { id: theirs, type: 11, guild_id: guildId, parent_id: channelId, owner_id: bob.id, name: "bob's" },
      ],
    });
    fake.messageCreate({ guild_id: guildId, channel_id: theirs, content: "just talking" });
    fake.messageCreate({ guild_id: guildId, channel_id: own, content: "in my thread" });
    await eventually(() => fake!.textsIn(own).includes("got: in my thread"), 5000);
    fake.messageCreate({ guild_id: guildId, channel_id: theirs, content: `<@${bot.id}> now you` });
    await eventually(() => fake!.textsIn(theirs).includes("got: now you"), 5000);
    expect(inputs.map((input) => input.text)).toEqual(["in my thread", "now you"]);
    expect(fake.callsTo("GET", /\/channels\/\d+$/)).toHaveLength(0);
  }, 15_000);

  it("as a conversation: a DM is answered; in a server, chatter is not and a mention is", async () => {
    fake = await startFakeDiscord();
    const { agent } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    const dm = conversationOn(discordChat(gateway, fake));
    await dm.says("hello");
    await dm.expectAnswer("got: hello");
    const server = conversationOn(discordChat(gateway, fake, { channel: channelId }));
    await server.says("lunch anyone?");
    await server.expectNoAnswer();
    await server.says("@bot what is 2+2?");
    await server.expectAnswer("got: what is 2+2?");
  }, 15_000);

  it("with DISCORD_THREADS=false, answers a mention in the channel as a reply to it", async () => {
    fake = await startFakeDiscord();
    const { agent } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, { DISCORD_THREADS: "false" }, { agent }));
    const asked = fake.messageCreate({ ...inGuild, content: `<@${bot.id}> hello` });
    await eventually(() => fake!.textsIn(channelId).includes("got: hello"), 5000);
    expect(fake.callsTo("POST", /\/threads$/)).toHaveLength(0);
    expect(fake.messages[0]!.messageReference).toMatchObject({ message_id: asked.id });
  }, 15_000);

  it("answers a MESSAGE_CREATE once when the resume after a drop delivers it again", async () => {
    fake = await startFakeDiscord();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.messageCreate({ content: "only once" });
    await eventually(() => fake!.textsIn(dmChannelId).includes("got: only once"), 5000);
    await gateway.pipeline.idle();
    fake.drop(1);
    await eventually(() => fake!.resumes.length === 1 && fake!.isConnected(), 8000);
    await waitReady(gateway.url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await gateway.pipeline.idle();
    expect(fake.replayed).toEqual(["MESSAGE_CREATE"]);
    expect(inputs.map((input) => input.text)).toEqual(["only once"]);
    expect(fake.textsIn(dmChannelId)).toEqual(["got: only once"]);
  }, 20_000);

  it("after a gateway drop, resumes the session (replaying what was missed) and answers the next message", async () => {
    fake = await startFakeDiscord();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.drop();
    // Sent while the connection is down: Discord keeps it for the resume.
    fake.messageCreate({ content: "while you were away" });
    await eventually(() => fake!.resumes.length === 1, 8000);
    expect(fake.resumes[0]).toMatchObject({ token: fake.token, session_id: "session-1" });
    await eventually(() => fake!.textsIn(dmChannelId).includes("got: while you were away"), 8000);
    fake.messageCreate({ content: "and now" });
    await eventually(() => fake!.textsIn(dmChannelId).includes("got: and now"), 5000);
    expect(fake.identifies).toHaveLength(1);
    expect(inputs.map((input) => input.text)).toEqual(["while you were away", "and now"]);
  }, 20_000);

  it("keeps the connection alive with heartbeats, and /readyz names the gateway's refusal of the Message Content intent", async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 200 });
    ({ gateway } = await startDiscordGateway(fake));
    await eventually(() => fake!.heartbeats() >= 2, 5000);
    await gateway.stop();
    await fake.close();

    fake = await startFakeDiscord({ refuseIdentifyWith: 4014 });
    ({ gateway } = await startTestGateway(discordEnv(fake)));
    await eventually(() => fake!.identifies.length >= 1, 8000);
    const readiness = async () => {
      const response = await fetch(`${gateway!.url}readyz`, { headers: ownerAuth(gateway!) });
      return { status: response.status, discord: ((await response.json()) as { channels: Record<string, { state: string; detail?: string }> }).channels.discord! };
    };
    const deadline = Date.now() + 8000;
    while ((await readiness()).discord.state !== "error" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await readiness();
    expect(refused.status).toBe(503);
    expect(refused.discord).toMatchObject({ state: "error", detail: expect.stringMatching(/Message Content/) });
  }, 25_000);

  it("uploads the images and files the agent sends as attachments, and refuses a file over MEDIA_MAX_BYTES without downloading it", async () => {
    fake = await startFakeDiscord();
    const path = join(tempDataDir(), "chart.png");
    writeFileSync(path, new Uint8Array([137, 80, 78, 71, 1, 2, 3, 4]));
    const { agent } = recordingAgent((input) =>
      input.text === "draw"
        ? [
            { type: "artifact", part: { type: "image", media: { platform: "local", id: path, mimeType: "image/png", fileName: "chart.png" }, caption: "**chart**" } },
            { type: "artifact", part: { type: "audio", media: { platform: "local", id: path, mimeType: "audio/ogg", fileName: "reply.ogg" }, isVoice: true } },
          ]
        : [{ type: "text-delta", text: "answered" }],
    );
    ({ gateway } = await startDiscordGateway(fake, { MEDIA_MAX_BYTES: "1000" }, { agent }));
    fake.messageCreate({ content: "draw" });
    await eventually(() => fake!.messages.filter((message) => message.files.length > 0).length === 2, 8000);
    const [image, audio] = fake.messages.filter((message) => message.files.length > 0);
    expect(image).toMatchObject({ content: "**chart**", files: [{ name: "chart.png", type: "image/png", size: 8 }] });
    expect(audio!.files).toEqual([{ name: "reply.ogg", type: "audio/ogg", size: 8 }]);

    const url = fake.attachment("big.png", new Uint8Array(5000), "image/png");
    fake.messageCreate({ content: "read this", attachments: [{ id: "700000000000000003", filename: "big.png", size: 5000, url, proxy_url: url, content_type: "image/png", width: 100, height: 50 }] });
    await eventually(() => fake!.textsIn(dmChannelId).some((text) => text.includes("too big")), 8000);
    expect(fake.callsTo("GET", /^\/attachments\//)).toHaveLength(0);
  }, 20_000);

  it("sends a voice reply as a voice message (flag 1<<13, duration and waveform), or as a file where Discord refuses voice (50173)", async () => {
    fake = await startFakeDiscord();
    const path = join(tempDataDir(), "reply.ogg");
    writeFileSync(path, await encodeWithFfmpeg(await findFfmpeg(), toneWav(1.5, 48_000), "voice.ogg", ["-c:a", "libopus"]));
    const { agent } = recordingAgent(() => [{ type: "artifact", part: { type: "audio", media: { platform: "local", id: path, mimeType: "audio/ogg", fileName: "reply.ogg" }, isVoice: true } }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.messageCreate({ content: "say it" });
    await eventually(() => fake!.messages.some((message) => message.files.length > 0), 8000);
    const voice = fake.messages.find((message) => message.files.length > 0)!;
    expect(voice).toMatchObject({ flags: 1 << 13, content: "", files: [{ name: "reply.ogg", type: "audio/ogg" }] });
    const [described] = fake.calls.find((call) => call.body?.flags === 1 << 13)!.body!.attachments as { duration_secs: number; waveform: string }[];
    expect(described!.duration_secs).toBeCloseTo(1.5, 1);
    expect(Buffer.from(described!.waveform, "base64").length).toBeGreaterThan(0);

    fake.failNext("POST", /\/channels\/\d+\/messages$/, 400, { message: "Cannot send voice messages in this channel", code: 50173 });
    fake.messageCreate({ content: "say it again" });
    await eventually(() => fake!.messages.filter((message) => message.files.length > 0).length === 2, 8000);
    const asFile = fake.messages.filter((message) => message.files.length > 0)[1]!;
    expect(asFile.flags).toBeUndefined();
    expect(asFile.files).toEqual([expect.objectContaining({ name: "reply.ogg" })]);
  }, 30_000);

  it("identifies again after an invalid session, and answers on the new session", async () => {
    fake = await startFakeDiscord();
    const { agent } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.invalidateSession();
    await eventually(() => fake!.identifies.length === 2 && fake!.isConnected(), 15_000);
    fake.messageCreate({ content: "new session" });
    await eventually(() => fake!.textsIn(dmChannelId).includes("got: new session"), 5000);
  }, 25_000);

  it("splits 4,500 characters at markdown boundaries, each piece within 2,000, the code block whole", async () => {
    fake = await startFakeDiscord();
    const code = ["```ts", ...Array.from({ length: 30 }, (_, index) => `const line${index} = ${index}; // keep me together`), "```"].join("\n");
    const prose = (words: number) => Array.from({ length: words }, (_, index) => `word${index}`).join(" ");
    const long = `${prose(250)}\n\n${code}\n\n${prose(250)}`;
    expect(long.length).toBeGreaterThan(4500);
    const { agent } = recordingAgent(() => [{ type: "text-delta", text: long }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.messageCreate({ content: "write a lot" });
    await eventually(() => fake!.textsIn(dmChannelId).at(-1)?.endsWith("word249") === true, 10_000).catch((error: unknown) => {
      throw new Error(JSON.stringify(fake!.textsIn(dmChannelId).map((text) => [text.length, text.slice(0, 60), text.slice(-60)])), { cause: error });
    });
    await gateway.pipeline.idle();
    const texts = fake.textsIn(dmChannelId);
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(2000);
    const withCode = texts.filter((text) => text.includes("```"));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]).toContain(code);
  }, 20_000);

  it("gives a voice message (flag 1<<13, OGG/Opus attachment) to the agent with its transcript", async () => {
    fake = await startFakeDiscord();
    openai = await startFakeOpenAI();
    openai.scriptTranscriptions({ type: "text", text: "turn on the lights" });
    const { agent, inputs } = recordingAgent(() => [{ type: "text-delta", text: "ok" }]);
    ({ gateway } = await startDiscordGateway(fake, { STT_PROVIDER: "openai", STT_BASE_URL: openai.url, STT_API_KEY: "sk-test-fake-stt" }, { agent }));
    const ogg = await encodeWithFfmpeg(await findFfmpeg(), toneWav(1.2, 48_000), "voice.ogg", ["-c:a", "libopus"]);
    const url = fake.attachment("voice-message.ogg", ogg, "audio/ogg");
    fake.messageCreate({
      flags: 1 << 13,
      attachments: [{ id: "700000000000000001", filename: "voice-message.ogg", size: ogg.length, url, proxy_url: url, content_type: "audio/ogg", duration_secs: 1.2, waveform: "AAAA" }],
    });
    await eventually(() => fake!.textsIn(dmChannelId).includes("ok"), 15_000);
    expect(inputs[0]!.attachments).toEqual([
      expect.objectContaining({ type: "audio", isVoiceNote: true, transcript: "turn on the lights", media: expect.objectContaining({ platform: "discord", mimeType: "audio/ogg" }) }),
    ]);
    expect(fake.callsTo("GET", /^\/attachments\/voice-message\.ogg$/)).toHaveLength(1);
  }, 30_000);

  it("gives an image to an agent that sees", async () => {
    fake = await startFakeDiscord();
    const { agent, inputs } = recordingAgent(() => [{ type: "text-delta", text: "a picture" }], { acceptsImages: true });
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    const sharp = (await import("sharp")).default;
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#2050c0" } }).png().toBuffer();
    const url = fake.attachment("chart.png", png, "image/png");
    fake.messageCreate({
      content: "what is this?",
      attachments: [{ id: "700000000000000002", filename: "chart.png", size: png.length, url, proxy_url: url, content_type: "image/png", width: 64, height: 48 }],
    });
    await eventually(() => fake!.textsIn(dmChannelId).includes("a picture"), 15_000);
    expect(inputs[0]!.text).toBe("what is this?");
    expect(inputs[0]!.attachments).toEqual([expect.objectContaining({ type: "image", width: 64, height: 48 })]);
    expect(inputs[0]!.images).toHaveLength(1);
  }, 30_000);

  it("registers the control commands as slash commands and answers /status like the typed command, acknowledged first", async () => {
    fake = await startFakeDiscord();
    const { agent } = recordingAgent(() => [{ type: "text-delta", text: "unused" }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    await eventually(() => fake!.registeredCommands().length > 0, 5000);
    expect((fake.registeredCommands() as { name: string }[]).map((command) => command.name)).toEqual(expect.arrayContaining(["help", "new", "stop", "status", "usage"]));
    const interaction = fake.interactionCreate({ type: 2, data: { id: "800000000000000001", name: "status", type: 1 }, ...inGuild });
    await eventually(() => fake!.messages.some((message) => message.interactionId === interaction.id), 5000);
    const answer = fake.messages.find((message) => message.interactionId === interaction.id)!;
    expect(answer.content).toMatch(/Agent/);
    expect(answer.flags).toBeUndefined();
    const callback = fake.callsTo("POST", /^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/)[0]!;
    expect(callback.body).toEqual({ type: 5 });
    const patch = fake.callsTo("PATCH", /\/messages\/@original$/)[0]!;
    expect(callback.at).toBeLessThanOrEqual(patch.at);

    // The resume after a drop delivers the interaction again: it is not answered twice.
    await gateway.pipeline.idle();
    fake.drop(1);
    await eventually(() => fake!.resumes.length === 1 && fake!.isConnected(), 8000);
    await waitReady(gateway.url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await gateway.pipeline.idle();
    expect(fake.replayed).toEqual(["INTERACTION_CREATE"]);
    expect(fake.messages.filter((message) => message.interactionId === interaction.id)).toHaveLength(1);
    expect(fake.callsTo("PATCH", /\/messages\/@original$/)).toHaveLength(1);
  }, 15_000);

  it("acknowledges an interaction at once, even while an earlier event waits on a slow Discord", async () => {
    fake = await startFakeDiscord();
    const { agent } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    const release = fake.hold("GET", /\/channels\/\d+$/);
    fake.messageCreate({ guild_id: guildId, channel_id: "420000000000000001", content: "chatter in a channel never seen" });
    await eventually(() => fake!.callsTo("GET", /\/channels\/\d+$/).length === 1);
    const interaction = fake.interactionCreate({ type: 2, data: { id: "800000000000000001", name: "help", type: 1 }, ...inGuild });
    await eventually(() => fake!.acknowledged.has(interaction.id), 3000);
    expect(fake.messages).toHaveLength(0);
    release();
    await eventually(() => fake!.messages.some((message) => message.interactionId === interaction.id && message.content.startsWith("Commands:")), 5000);
  }, 15_000);

  it("answers a button that stands for a prompt in the conversation, for everyone to see", async () => {
    fake = await startFakeDiscord();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    const press = fake.interactionCreate({ type: 3, data: { custom_id: "echo pressed", component_type: 2 } });
    await eventually(() => fake!.textsIn(dmChannelId).includes("got: /echo pressed"), 5000);
    expect(inputs.map((input) => input.text)).toEqual(["/echo pressed"]);
    const answer = fake.messages.find((message) => message.content === "got: /echo pressed")!;
    expect(answer.interactionId).toBeUndefined();
    expect(answer.flags).toBeUndefined();
    expect(fake.callsTo("POST", new RegExp(`/interactions/${press.id}/`))[0]!.body).toEqual({ type: 6 });
  }, 15_000);

  it("takes a 429 on an edit as Discord says: the edit is sent again after retry_after, and the answer completes", async () => {
    fake = await startFakeDiscord();
    const pieces = ["one ", "two ", "three"];
    const { agent } = recordingAgent(() => pieces.map((text) => ({ type: "text-delta" as const, text })), { delayMs: 600 });
    ({ gateway } = await startDiscordGateway(fake, {}, { agent }));
    fake.failNext("PATCH", /\/channels\/\d+\/messages\/\d+$/, 429, { message: "You are being rate limited.", retry_after: 1.5, global: false });
    fake.messageCreate({ content: "count" });
    await eventually(() => fake!.textsIn(dmChannelId)[0] === "one two three", 10_000);
    const edits = fake.callsTo("PATCH", /\/channels\/\d+\/messages\/\d+$/);
    expect(edits.length).toBeGreaterThanOrEqual(2);
    // The refused edit and the next one: at least retry_after apart.
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(1500);
  }, 20_000);
});
