import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadConfig } from "../../core/config.ts";
import { startGateway, type Gateway } from "../../gateway/gateway.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { eventually } from "../support/eventually.ts";
import { collectingLog } from "../support/recording-logger.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const chromiumPath = "/usr/bin/chromium";
/** Set (e.g. `docs/images`): the test saves a screenshot of each page there as `console-<page>.png`. */
const screenshotDir = process.env.PINCER_SCREENSHOTS;
const answer = "The reports folder holds console-approved.";

/** What the browser reported as going wrong on a page: console errors and uncaught exceptions. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** Waits for a condition, long enough for a loaded machine (vitest's default is one second). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 100 });

async function shot(page: Page, name: string): Promise<void> {
  if (!screenshotDir) return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `console-${name}.png`), fullPage: true });
}

describe("the console in a real browser, through a whole exchange with a tool approval", () => {
  let gateway: Gateway | undefined;
  let model: FakeOpenAI | undefined;
  let browser: Browser | undefined;
  const chat = createChatPlatform();

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) throw new Error(`Chromium is not installed at ${chromiumPath}: apt-get update && apt-get install -y chromium`);
    model = await startFakeOpenAI();
    const dataDir = tempDataDir();
    gateway = await startGateway(
      loadConfig({
        DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent", PINCER_SHUTDOWN_GRACE_SEC: "0", PINCER_ADMINS: "chat:alice",
        OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini", WORKSPACE_DIR: join(dataDir, "workspace"),
      }),
      { extraAdapters: [chat.adapter], logDestination: collectingLog().destination },
    );
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await model?.close();
  });

  it("logs in, opens the conversation, approves the tool call there, follows the message's trace, reads usage, jobs and audit, speaks Chinese, logs out", { timeout: 240_000 }, async () => {
    const own = gateway!;
    const context = await browser!.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Two weeks of earlier model calls, so that the usage page has days to draw.
    const day = 86_400_000;
    for (let ago = 14; ago >= 1; ago -= 1) {
      for (const [user, model, scale] of [["chat:bob", "gpt-4o-mini", 1], ["chat:carol", "gpt-4o", 0.4]] as const) {
        const inputTokens = Math.round((3000 + 1800 * Math.sin(ago / 2)) * scale);
        await own.store.usage.record({ at: Date.now() - ago * day, userRef: user, conversationKey: user, model, inputTokens, outputTokens: Math.round(inputTokens / 6), cachedTokens: 0, costUsd: inputTokens * 0.0000003 });
      }
    }

    await page.goto(`${own.url}admin`);
    await page.getByLabel("Admin token").fill(own.adminToken);
    await page.getByLabel(/Your name/).fill("Ada");
    await page.getByRole("button", { name: "Log in" }).click();
    await poll(() => page.locator("h1").innerText()).toBe("Overview");
    await poll(() => page.locator("#channels").innerText()).toContain("chat\tready");
    // Watched from here: before the login, the login page itself answers 401, which the browser logs.
    const errors = watchErrors(page);

    // The scripted exchange: the model asks to run a shell command, which waits for an approval.
    model!.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo console-approved" } }], usage: { inputTokens: 400, outputTokens: 20 } },
      { type: "text", text: answer, usage: { inputTokens: 450, outputTokens: 12 } },
    );
    await chat.deliver(chat.text("alice", "what is in the reports folder?"));
    await poll(() => page.locator("#pending-approvals .value").innerText()).toBe("1");

    // Conversations: the list shows the exchange; its page shows the waiting tool call with Approve.
    await page.getByRole("link", { name: "Conversations" }).first().click();
    await poll(() => page.locator("h1").innerText()).toBe("Conversations");
    const row = page.locator("tbody tr", { hasText: "what is in the reports folder?" });
    await poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain("running now"); // the run waits for the approval
    await shot(page, "conversations");
    await row.getByRole("link", { name: "alice" }).click();
    await poll(() => page.locator("h1").innerText()).toContain("alice");
    const message = page.locator("article.message", { hasText: "what is in the reports folder?" });
    await poll(() => message.innerText()).toContain("echo console-approved");
    const approve = message.getByRole("button", { name: "Approve" });
    await poll(() => approve.count()).toBe(1);

    // Approved from the conversation page, the run goes on: the answer reaches the chat and shows on the page.
    const reloaded = page.waitForEvent("load");
    await approve.click();
    await eventually(() => chat.texts().includes(answer), 30_000);
    await reloaded;
    await own.pipeline.idle();
    await page.reload();
    await poll(() => message.innerText()).toContain(answer);
    expect(await message.innerText()).toContain("console:Ada");
    expect(await message.getByRole("button", { name: "Approve" }).count()).toBe(0);
    await shot(page, "conversation");

    // The message's trace, from its link on the conversation page: every step of its way.
    await message.getByRole("link", { name: "Trace" }).click();
    await poll(() => page.locator("h1").innerText()).toMatch(/^Trace of chat message /);
    const steps = page.locator("table.waterfall td.step");
    await poll(async () => (await steps.allInnerTexts()).join("|")).toContain("Reply part");
    const names = new Set(await steps.allInnerTexts());
    for (const step of ["Message", "Policy", "Model call", "Approval", "Tool", "Reply part"]) expect(names, step).toContain(step);
    const waterfall = await page.locator("table.waterfall").innerText();
    expect(waterfall).toContain("gpt-4o-mini");
    expect(waterfall).toContain("console:Ada");
    await shot(page, "trace");
    const traceUrl = page.url();

    // Two scheduled jobs, made in the chat, for the jobs page.
    await chat.deliver(chat.text("alice", '/cron "0 9 * * 1-5" summarise yesterday\'s tickets'));
    await chat.deliver(chat.text("alice", "/every 1h check the queue length"));
    await poll(async () => (await own.store.jobs.list({ creatorRef: "chat:alice" })).length).toBe(2);

    // Usage, jobs and audit: each renders its heading and no error in the browser.
    const before = errors.length;
    const pages = [["Usage", "usage", "chat:alice"], ["Jobs", "jobs", "check the queue length"], ["Audit log", "audit", "approved by console:Ada"]] as const;
    for (const [heading, name, shown] of pages) {
      await page.getByRole("link", { name: heading, exact: true }).first().click();
      await poll(() => page.locator("h1").innerText()).toBe(heading);
      await poll(() => page.locator("body").innerText()).toContain(shown);
      await page.waitForLoadState("load");
      await shot(page, name);
    }
    expect(errors.slice(before)).toEqual([]);

    // Chinese, then out.
    await page.getByRole("link", { name: "中文" }).click();
    await poll(() => page.locator("h1").innerText()).toBe("审计日志");
    await page.getByRole("link", { name: "用量" }).first().click();
    await poll(() => page.locator("h1").innerText()).toBe("用量");
    await page.goto(traceUrl);
    await poll(() => page.locator("h1").innerText()).toMatch(/^chat 消息 .+ 的链路追踪$/);
    for (const step of ["准入策略", "模型调用", "审批", "工具", "回复片段"]) expect(await steps.allInnerTexts(), step).toContain(step);
    await page.getByRole("link", { name: "会话" }).first().click();
    await poll(() => page.locator("h1").innerText()).toBe("会话");
    // Logged out, the login page answers 401, which the browser logs: the pages before it logged nothing.
    expect(errors).toEqual([]);
    await page.getByRole("button", { name: "退出登录" }).click();
    await poll(() => page.locator("#login button").innerText()).toBe("登录");
    expect((await page.goto(`${own.url}admin/conversations`))?.status()).toBe(401);
    await context.close();
  });
});
