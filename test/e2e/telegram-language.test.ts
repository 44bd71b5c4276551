import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../support/eventually.ts";
import { recordingAgent, startTelegramGateway, textUpdate } from "../support/telegram.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

/** A Telegram user whose client reports `languageCode` (absent: the client told nothing). */
const user = (id: number, firstName: string, languageCode?: string) => ({
  id, is_bot: false, first_name: firstName, ...(languageCode ? { language_code: languageCode } : {}),
});
const dmFrom = (from: ReturnType<typeof user>, text: string) => textUpdate(text, { id: from.id, type: "private", first_name: from.first_name }, { from });

async function start(env: Record<string, string> = {}) {
  fake = await startFakeBotApi();
  const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
  ({ gateway } = await startTelegramGateway(fake, { PINCER_DM_POLICY: "pairing", ...env }, { agent }));
  return { fake, inputs };
}

async function firstAnswerTo(api: FakeBotApi, from: ReturnType<typeof user>, text: string): Promise<string> {
  api.push(dmFrom(from, text));
  await eventually(() => api.textsIn(from.id).length === 1, 8000);
  return api.textsIn(from.id)[0]!;
}

describe("the bot writes in its user's language, through telegraf and the real gateway", () => {
  it("gives a user whose Telegram is in Simplified Chinese (zh-hans) the pairing message in Chinese, and an English user the English one", async () => {
    const { fake: api, inputs } = await start();
    const chinese = await firstAnswerTo(api, user(200000001, "小明", "zh-hans"), "你好");
    expect(chinese).toMatch(/^我还不认识你。你的配对码是 [A-HJ-NP-Z2-9]{8}（60 分钟内有效）。/);
    expect(chinese).toContain("请让这个机器人的主人运行：npm run pincer -- pairing approve telegram ");
    const english = await firstAnswerTo(api, user(200000002, "Bob", "en"), "hello");
    expect(english).toMatch(/^I don't know you yet\. Your pairing code is [A-HJ-NP-Z2-9]{8} \(valid for 60 min\)\./);
    expect(english).not.toMatch(/\p{Script=Han}/u);
    await gateway!.pipeline.idle();
    expect(inputs).toHaveLength(0);
  }, 20_000);

  it("makes Chinese the default with PINCER_LOCALE=zh-CN, while a user whose Telegram says English still reads English", async () => {
    const { fake: api } = await start({ PINCER_LOCALE: "zh-CN" });
    expect(await firstAnswerTo(api, user(200000003, "Carol"), "hi")).toMatch(/^我还不认识你。/);
    expect(await firstAnswerTo(api, user(200000004, "Dieter", "de"), "hallo")).toMatch(/^我还不认识你。/);
    expect(await firstAnswerTo(api, user(200000005, "Erin", "en-GB"), "hi")).toMatch(/^I don't know you yet\./);
  }, 20_000);

  it("answers a Chinese user's /help and /status in Chinese once they may talk", async () => {
    const { fake: api } = await start({ PINCER_DM_POLICY: "open" });
    const lin = user(200000006, "林", "zh-CN");
    const help = await firstAnswerTo(api, lin, "/help");
    expect(help).toContain("命令：");
    expect(help).toContain("/new：开始新会话");
    api.push(dmFrom(lin, "/status"));
    await eventually(() => api.textsIn(lin.id).length === 2, 8000);
    expect(api.textsIn(lin.id)[1]).toMatch(/^智能体：recorder\n模型：/);
  }, 20_000);
});
