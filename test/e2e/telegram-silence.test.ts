import { afterEach, describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../../adapters/telegram/index.ts";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Adapter, ChannelState } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../support/eventually.ts";
import { alice, textUpdate } from "../support/telegram.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";
import { silentLogger } from "../support/recording-logger.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
let adapter: Adapter | undefined;
afterEach(async () => {
  await gateway?.stop();
  await adapter?.stop();
  await fake?.close();
  gateway = adapter = fake = undefined;
});


const telegramAdapter = (bot: FakeBotApi, options: Parameters<typeof createTelegramAdapter>[2]) =>
  createTelegramAdapter(
    { botToken: bot.token, apiRoot: bot.url, webhookSecret: undefined, webhookUrl: undefined },
    { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 },
    { minBackoffMs: 50, maxBackoffMs: 200, ...options },
  );

describe("Telegram polling that goes quiet", () => {
  it("cuts off a getUpdates that never answers, shows degraded, and resumes from the stored offset: each update answered once", async () => {
    fake = await startFakeBotApi({ maxHoldMs: 300 });
    const bot = fake;
    adapter = telegramAdapter(bot, { pollTimeoutSec: 1, pollMarginMs: 300 });
    const channel = adapter;
    ({ gateway } = await startTestGateway({ PINCER_DM_POLICY: "open" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }), extraAdapters: [channel] }));
    const first = bot.push(textUpdate("/echo before the silence"));
    await eventually(() => bot.textsIn(alice.id).includes("before the silence"));

    const states: ChannelState[] = [];
    const watch = setInterval(() => states.at(-1) !== channel.health().state && states.push(channel.health().state), 10);
    // Two polls in a row hang, so the degraded state lasts past two cut-offs: a sampler on a busy machine sees it.
    bot.hangNext("getUpdates", 2);
    const hungCall = () => bot.callsOf("getUpdates").find((call) => call.outcome === "client-closed");
    await eventually(() => hungCall() !== undefined, 10_000);
    const second = bot.push(textUpdate("/echo during the silence"));
    await eventually(() => bot.textsIn(alice.id).includes("during the silence"), 10_000);
    await eventually(() => channel.health().state === "ready");
    clearInterval(watch);
    await gateway!.pipeline.idle();

    const polls = bot.callsOf("getUpdates");
    const afterHung = polls[polls.indexOf(hungCall()!) + 1]!;
    expect(hungCall()!.params.offset).toBe((first.update_id as number) + 1);
    expect(afterHung.params.offset).toBe((first.update_id as number) + 1);
    expect(states).toContain("degraded");
    expect(bot.textsIn(alice.id)).toEqual(["before the silence", "during the silence"]);
    expect(second.update_id).toBe((first.update_id as number) + 1);
  }, 30_000);
});

describe("Telegram calls that never answer", () => {
  it("give up after the call timeout with a retryable timeout error", async () => {
    fake = await startFakeBotApi();
    adapter = telegramAdapter(fake, { callTimeoutMs: 300 });
    fake.hangNext("sendMessage");
    const sending = adapter.send({ platform: "telegram", chatId: String(alice.id), kind: "direct" }, { type: "markdown", text: "hello" });
    await expect(sending).rejects.toBeInstanceOf(BridgeError);
    await expect(sending).rejects.toMatchObject({ code: "timeout" });
  });
});
