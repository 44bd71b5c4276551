import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createWechatAdapter, loadSdk } from "../../../adapters/wechat/index.ts";
import { showQrInTerminal } from "../../../adapters/wechat/terminal-qr.ts";
import { createLogger } from "../../../core/logger.ts";
import type { RateLimits } from "../../../core/store/store.ts";
import type { Adapter, InboundSink } from "../../../core/types/adapter.ts";
import type { InboundMessage } from "../../../core/types/message.ts";
import { createWechatWorld } from "../../fakes/wechat-mocker.ts";
import { eventually } from "../../support/eventually.ts";
import { collectingLog } from "../../support/recording-logger.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

const logger = createLogger({ level: "silent", secrets: [], destination: collectingLog().destination });
const settings = { puppet: "wechaty-puppet-mock", puppetToken: undefined, sendIntervalMs: 10, sendsPerMinute: 600, workingNoticeAfterMs: 8000 };

let adapter: Adapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
});

/** The adapter on a mock puppet with a sink that keeps what it receives (no gateway: the lifecycle alone). */
async function startAdapter(options: { maxMediaBytes?: number; rateLimits?: RateLimits } = {}) {
  const world = createWechatWorld();
  const shown: string[] = [];
  const received: InboundMessage[] = [];
  const sink: InboundSink = {
    async receive(message) {
      received.push(message);
      return { isDuplicate: false };
    },
  };
  adapter = await createWechatAdapter(settings, {
    logger,
    dataDir: tempDataDir(),
    maxMediaBytes: options.maxMediaBytes ?? 1_000_000,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  }, {
    puppet: world.puppet,
    showQr: (qrcode) => shown.push(qrcode),
    initialRestartDelayMs: 50,
    maxRestartDelayMs: 200,
  });
  await adapter.start(sink, new AbortController().signal);
  return { world, adapter, shown, received };
}

describe("the WeChat adapter's login and health (PuppetMock)", () => {
  it("shows 'waiting for scan' with the QR code on health, then ready after the login", async () => {
    const { world, adapter, shown } = await startAdapter();
    world.puppet.emit("scan", { qrcode: "https://login.weixin.qq.com/l/fake-qr==", status: 2 });
    expect(adapter.health()).toEqual({ state: "starting", detail: "waiting for scan", loginQr: "https://login.weixin.qq.com/l/fake-qr==" });
    expect(shown).toEqual(["https://login.weixin.qq.com/l/fake-qr=="]);
    world.login();
    await eventually(() => adapter.health().state === "ready");
    expect(adapter.selfNames?.()).toEqual(["Pincer"]);
    expect(adapter.capabilities).toMatchObject({ maxTextLength: 2000, hasButtons: false, workingNoticeAfterMs: 8000 });
    expect(adapter.edit).toBeUndefined();
  });

  it("reports a logout on health and logs in again after the restart", async () => {
    const { world, adapter } = await startAdapter();
    world.login();
    await eventually(() => adapter.health().state === "ready");
    await world.puppet.logout("kicked out");
    expect(adapter.health()).toMatchObject({ state: "error", detail: expect.stringContaining("logged out") });
    await eventually(() => adapter.health().state === "starting");
    world.login();
    await eventually(() => adapter.health().state === "ready");
  });

  it("refuses to send while logged out, retryably (the outbox keeps the answer)", async () => {
    const { world, adapter } = await startAdapter();
    await expect(adapter.send({ platform: "wechat", chatId: world.alice.id, kind: "direct" }, { type: "markdown", text: "hi" })).rejects.toMatchObject({
      code: "upstream",
    });
  });

  it("refuses media larger than MEDIA_MAX_BYTES", async () => {
    const { world, adapter, received } = await startAdapter({ maxMediaBytes: 50 });
    world.login();
    await eventually(() => adapter.health().state === "ready");
    world.dm(world.alice, world.file(new Uint8Array(200), "big.png"));
    await eventually(() => received.length === 1);
    await expect(adapter.fetchMedia(received[0]!.attachments[0]!.media)).rejects.toMatchObject({ code: "unsupported" });
  });
});

describe("the WeChat adapter's media replies (PuppetMock)", () => {
  it("sends an image as a FileBox named by its type, then the caption as text", async () => {
    const { world, adapter } = await startAdapter();
    world.login();
    await eventually(() => adapter.health().state === "ready");
    const dir = mkdtempSync(join(tmpdir(), "wechat-out-"));
    const path = join(dir, "chart");
    writeFileSync(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    await adapter.send(
      { platform: "wechat", chatId: world.alice.id, kind: "direct" },
      { type: "image", media: { platform: "local", id: path, mimeType: "image/png" }, caption: "The **chart**" },
    );
    await eventually(() => world.sent.length === 2);
    expect(world.sent.map(({ type, text, fileName }) => ({ type, text, fileName }))).toEqual([
      { type: 6, text: "", fileName: "chart.png" },
      { type: 7, text: "The chart", fileName: undefined },
    ]);
  });
});

describe("the WeChat adapter's send pace across processes (PuppetMock)", () => {
  it("takes the account's interval slot, then counts the send against the channel's per-minute cap, in the store", async () => {
    const takes: [string, number, number][] = [];
    const rateLimits: RateLimits = {
      async take(key, limit, windowMs) {
        takes.push([key, limit, windowMs]);
        return true;
      },
    };
    const { world, adapter } = await startAdapter({ rateLimits });
    world.login();
    await eventually(() => adapter.health().state === "ready");
    await adapter.send({ platform: "wechat", chatId: world.alice.id, kind: "direct" }, { type: "markdown", text: "hi" });
    await eventually(() => world.sent.length === 1);
    expect(takes).toEqual([
      ["pace:wechat:wechat", 1, 10],
      ["sends:wechat:wechat", 600, 60_000],
    ]);
  });
});

describe("choosing the puppet", () => {
  it("stops the start with the variable to fix when wechaty itself is not installed (it is opt-in)", async () => {
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'wechaty'"), { code: "ERR_MODULE_NOT_FOUND" }));
    await expect(loadSdk(missing)).rejects.toMatchObject({
      code: "config",
      message: "WECHATY_PUPPET: wechaty is not installed; run npm install wechaty",
    });
  });

  it("stops the start with the variable to fix when the puppet package is not installed", async () => {
    const deps = { logger, dataDir: tempDataDir(), maxMediaBytes: 1000 };
    await expect(createWechatAdapter({ ...settings, puppet: "wechaty-puppet-not-installed" }, deps)).rejects.toMatchObject({
      code: "config",
      message: expect.stringContaining("WECHATY_PUPPET: the puppet package wechaty-puppet-not-installed is not installed"),
    });
  });

  it("accepts an installed puppet package by name (not started here: nothing may reach WeChat)", async () => {
    const created = await createWechatAdapter(settings, { logger, dataDir: tempDataDir(), maxMediaBytes: 1000 });
    expect(created.health().state).toBe("stopped");
  });
});

describe("the login QR code in the terminal", () => {
  it("is drawn as a QR code block, not only a URL", async () => {
    const written: string[] = [];
    showQrInTerminal(logger, (text) => written.push(text))("https://login.weixin.qq.com/l/fake-qr==");
    await eventually(() => written.length === 1);
    expect(written[0]).toContain("Scan this QR code with WeChat");
    expect(written[0]).toMatch(/[▀▄█]/);
    expect(written[0]!.split("\n").length).toBeGreaterThan(10);
  });
});
