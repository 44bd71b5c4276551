import { afterEach, describe, expect, it } from "vitest";
import { turnText } from "../../core/prompt-text.ts";
import type { MediaPort } from "../../core/media.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { eventually } from "../support/eventually.ts";
import { emit, fakeAgent } from "../support/fake-agent.ts";
import { startFakeIlink, type FakeIlink } from "../fakes/weixin-ilink.ts";
import { scriptedAgent, startWeixinGateway } from "../support/weixin-gateway.ts";
import { ownerAuth } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeIlink | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

const text = (value: string) => ({ type: 1, text_item: { text: value } });

describe("WeChat ClawBot through the real gateway", () => {
  it("answers a text with one reply that echoes the message's context token, typing while the agent works", async () => {
    fake = await startFakeIlink();
    const { agent, inputs } = scriptedAgent((input) => `**You said:** ${input.text}`, 700);
    ({ gateway } = await startWeixinGateway(fake, {}, { agent }));
    const inbound = fake.push({ items: [text("hello bot")] });
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(inputs[0]?.text).toBe("hello bot");
    expect(fake.sent[0]).toMatchObject({ toUserId: fake.ownerId, contextToken: inbound.context_token, item: { type: 1, text_item: { text: "You said: hello bot" } } });
    expect(fake.typing.length).toBeGreaterThan(0);
    expect(fake.typing[0]!.at).toBeLessThan(fake.sent[0]!.at);
    expect(fake.problems).toEqual([]);
    // The same message again (a redelivery) is dropped by the inbox.
    fake.redeliver(inbound);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fake.sent).toHaveLength(1);
    expect(inputs).toHaveLength(1);
  });

  it("uses WeChat's transcript of a voice message as the prompt", async () => {
    fake = await startFakeIlink();
    const { agent, inputs } = scriptedAgent(() => "ok");
    ({ gateway } = await startWeixinGateway(fake, {}, { agent }));
    fake.push({ items: [{ type: 3, voice_item: { encode_type: 6, playtime: 2300, text: "what is the weather tomorrow", media: fake.addCdnFile(Buffer.from("#!SILK_V3"), "base64-hex") } }] });
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(inputs[0]?.attachments[0]).toMatchObject({ type: "audio", isVoiceNote: true, durationSec: 2.3, transcript: "what is the weather tomorrow" });
    expect(turnText(inputs[0]!)).toBe("[voice message, transcript] what is the weather tomorrow");
  });

  it("downloads and decrypts an inbound image (key as base64 of raw bytes) so its bytes reach the agent", async () => {
    fake = await startFakeIlink();
    const seen: Buffer[] = [];
    const media: MediaPort = {
      sttName: "none",
      ttsName: "none",
      transcribe: async () => ({ text: "", durationSec: 0 }) as never,
      readText: async () => "",
      prepareImage: async (image) => {
        seen.push(Buffer.from(image.bytes));
        return { mimeType: "image/png", base64: Buffer.from(image.bytes).toString("base64"), width: 1, height: 1 };
      },
      speak: async () => {
        throw new Error("no speech");
      },
      close: async () => undefined,
    };
    const { agent, inputs } = scriptedAgent((input) => `got ${input.images.length} image`, 0, true);
    ({ gateway } = await startWeixinGateway(fake, {}, { agent, media }));
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("fake image body for the test")]);
    fake.push({ items: [{ type: 2, image_item: { media: fake.addCdnFile(png, "base64-raw"), mid_size: 48 } }] });
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(seen[0]?.equals(png)).toBe(true);
    expect(Buffer.from(inputs[0]!.images[0]!.base64, "base64").equals(png)).toBe(true);
  });

  it("sends an agent's file through getuploadurl and the encrypted CDN upload", async () => {
    fake = await startFakeIlink();
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const path = join(mkdtempSync(join(tmpdir(), "weixin-out-")), "report.txt");
    writeFileSync(path, "the quarterly report, in plain text");
    const { agent } = fakeAgent(
      () => [emit({ type: "artifact", part: { type: "file", media: { platform: "local", id: path, fileName: "report.txt", mimeType: "text/plain" }, caption: "Here it is" } })],
      { id: "files" },
    );
    ({ gateway } = await startWeixinGateway(fake, {}, { agent }));
    fake.push({ items: [text("send me the report")] });
    await eventually(() => fake!.sent.length === 2, 4000);
    expect(fake.sent[0]!.item).toEqual({ type: 1, text_item: { text: "Here it is" } });
    expect(fake.sent[1]!.item).toMatchObject({ type: 4, file_item: { file_name: "report.txt", len: "35" } });
    expect(fake.mediaOf(fake.sent[1]!.item)?.toString()).toBe("the quarterly report, in plain text");
    expect(fake.problems).toEqual([]);
  });

  it("counts as connected once WeChat holds its first long poll, without waiting for it to end", async () => {
    fake = await startFakeIlink({ longPollMs: 20_000 });
    ({ gateway } = await startWeixinGateway(fake, {}, { agent: scriptedAgent(() => "ok").agent }));
    const state = async () => ((await (await fetch(`${gateway!.url}readyz`)).json()) as { channels: Record<string, { state: string }> }).channels["weixin"]?.state;
    expect(await state()).toBe("starting");
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(await state()).toBe("ready");
    expect(fake.getUpdatesCalls()).toBe(1);
  });

  it("sends notifystart before its first poll and notifystop when it shuts down", async () => {
    fake = await startFakeIlink();
    ({ gateway } = await startWeixinGateway(fake, {}, { agent: scriptedAgent(() => "ok").agent }));
    await eventually(() => fake!.getUpdatesCalls() >= 1, 3000);
    expect(fake.sessionCalls().slice(0, 2)).toEqual(["notifystart", "poll"]);
    await gateway.stop();
    gateway = undefined;
    expect(fake.sessionCalls().filter((call) => call !== "poll")).toEqual(["notifystart", "notifystop"]);
    expect(fake.sessionCalls().at(-1)).toBe("notifystop");
    expect(fake.problems).toEqual([]);
  });

  it("revives a session that answered -14 with notifystart instead of asking for a new login", async () => {
    fake = await startFakeIlink();
    const { agent, inputs } = scriptedAgent((input) => `got ${input.text}`);
    ({ gateway } = await startWeixinGateway(fake, {}, { agent }));
    await eventually(() => fake!.getUpdatesCalls() >= 1, 3000);
    fake.settings.isSessionPaused = true;
    await eventually(() => fake!.sessionCalls().filter((call) => call === "notifystart").length === 2, 3000);
    fake.push({ items: [text("still there?")] });
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(inputs.map((input) => input.text)).toEqual(["still there?"]);
    const body = (await (await fetch(`${gateway.url}readyz`)).json()) as { channels: Record<string, { state: string }> };
    expect(body.channels["weixin"]).toEqual({ state: "ready" });
  });

  it("reports an expired session (errcode -14) on /readyz and does not retry in a tight loop", async () => {
    fake = await startFakeIlink();
    fake.settings.sessionExpired = true;
    ({ gateway } = await startWeixinGateway(fake, {}, { agent: scriptedAgent(() => "ok").agent }));
    await eventually(() => fake!.getUpdatesCalls() >= 1, 3000);
    // The first -14 is met with one notifystart and another poll; the second one means the login is gone.
    const readiness = async () => {
      const response = await fetch(`${gateway!.url}readyz`, { headers: ownerAuth(gateway!) });
      return { status: response.status, body: (await response.json()) as { channels: Record<string, { state: string; detail?: string }> } };
    };
    let ready = await readiness();
    for (const deadline = Date.now() + 5000; ready.body.channels["weixin"]?.state !== "error" && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ready = await readiness();
    }
    expect(ready.status).toBe(503);
    expect(ready.body.channels["weixin"]).toEqual({ state: "error", detail: "WeChat login expired: run npm run pincer -- weixin login" });
    const before = fake.getUpdatesCalls();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.getUpdatesCalls() - before).toBe(0);
  });
});
