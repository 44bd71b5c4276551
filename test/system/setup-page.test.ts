import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../support/eventually.ts";
import { alice, textUpdate } from "../support/telegram.ts";
import { startTestGateway } from "../support/web-chat-client.ts";

const chromiumPath = "/usr/bin/chromium";
/** Set (to docs/images) to refresh the setup page's screenshots in the docs. */
const screenshotDir = process.env.PINCER_SCREENSHOT_DIR;

describe("the setup page in a real browser", () => {
  let gateway: Gateway | undefined;
  let fake: FakeBotApi | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) throw new Error(`Chromium is not installed at ${chromiumPath}: apt-get update && apt-get install -y chromium`);
    fake = await startFakeBotApi();
    ({ gateway } = await startTestGateway({ PINCER_DM_POLICY: "open", LOG_LEVEL: "silent" }));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await fake?.close();
  });

  /** The page as the owner opens it (the token as a header until the console's session cookie does it). */
  async function open(lang: "en" | "zh-CN"): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${gateway!.adminToken}` });
    await page.goto(`${gateway!.url}admin/setup?lang=${lang}`);
    return page;
  }

  const rowOf = (page: Page, id: string) => page.locator(`#channels tr[data-channel="${id}"]`);

  it("adds a Telegram channel against the fake: explained refusal, then connected, answering, and removed", async () => {
    const bot = fake!;
    const page = await open("en");
    await expect.poll(() => rowOf(page, "web").count()).toBe(1);
    await page.selectOption("#platform", "telegram");
    const form = page.locator('fieldset[data-platform="telegram"]');
    await form.locator("summary").click();
    await form.locator('input[name="TELEGRAM_API_ROOT"]').fill(bot.url);
    await form.locator('input[name="TELEGRAM_BOT_TOKEN"]').fill("123456:mistyped");
    await page.getByRole("button", { name: "Check and add" }).click();
    await expect.poll(() => page.locator("#result").innerText()).toContain("it was revoked or mistyped");
    expect(await rowOf(page, "telegram").count()).toBe(0);

    await form.locator('input[name="TELEGRAM_BOT_TOKEN"]').fill(bot.token);
    await page.getByRole("button", { name: "Check and add" }).click();
    await expect.poll(() => page.locator("#result").innerText()).toContain(`Added telegram: @${bot.bot.username}, long polling`);
    await expect.poll(() => rowOf(page, "telegram").innerText(), { timeout: 10_000 }).toContain("ready");
    expect(await rowOf(page, "telegram").innerText()).toContain("added here");
    // The secret is gone from the form once used.
    expect(await form.locator('input[name="TELEGRAM_BOT_TOKEN"]').inputValue()).toBe("");
    if (screenshotDir) {
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: join(screenshotDir, "setup-en.png"), fullPage: true });
    }

    bot.push(textUpdate("/echo hello from the page"));
    await eventually(() => bot.textsIn(alice.id).includes("hello from the page"), 10_000);

    await rowOf(page, "telegram").getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => page.locator("#result").innerText()).toContain("Removed telegram.");
    await expect.poll(() => rowOf(page, "telegram").count()).toBe(0);
    expect(gateway!.channelIds()).toEqual(["web"]);
  });

  it("speaks Chinese, and explains a Slack user token before sending it", async () => {
    const page = await open("zh-CN");
    expect(await page.locator("h1").innerText()).toBe("设置向导");
    await page.selectOption("#platform", "slack");
    const form = page.locator('fieldset[data-platform="slack"]');
    await form.locator('input[name="SLACK_BOT_TOKEN"]').fill("xoxp-1-user-token");
    await form.locator('input[name="SLACK_APP_TOKEN"]').fill("xapp-1-app-token");
    await page.getByRole("button", { name: "验证并添加" }).click();
    await expect.poll(() => page.locator("#result").innerText()).toContain("这是用户令牌（xoxp-），不是机器人令牌");
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, "setup-zh-CN.png"), fullPage: true });
  });
});
