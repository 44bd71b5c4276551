import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { loadConfig } from "../../core/config.ts";
import { inboxKey } from "../../core/store/store.ts";
import { startGateway, type Gateway } from "../../gateway/gateway.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { startFakeIlink } from "../fakes/weixin-ilink.ts";
import { eventually } from "../support/eventually.ts";
import { ask, fakeAgent, say } from "../support/fake-agent.ts";
import { collectingLog } from "../support/recording-logger.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const chromiumPath = "/usr/bin/chromium";
/** Set (e.g. `docs/images`): the console test saves a screenshot of each page there as `console-<page>.png`. */
const screenshotDir = process.env.PINCER_SCREENSHOTS;

describe("the admin page in a real browser", () => {
  let gateway: Gateway | undefined;
  let browser: Browser | undefined;
  const platform = createChatPlatform();

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) throw new Error(`Chromium is not installed at ${chromiumPath}: apt-get update && apt-get install -y chromium`);
    gateway = await startGateway(loadConfig({ DATA_DIR: tempDataDir(), PORT: "0", LOG_LEVEL: "silent" }), {
      extraAdapters: [platform.adapter],
      logDestination: collectingLog().destination,
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("lists a stranger waiting to pair, and one click admits them", async () => {
    await platform.deliver(platform.text("dave", "/echo hello?"));
    await gateway!.pipeline.idle();
    const page = await browser!.newPage();
    await page.goto(`${gateway!.url}admin#token=${gateway!.adminToken}`);
    const row = page.locator("#pending tr", { hasText: "dave" });
    // The link's token is exchanged for a session first (a POST, then a reload).
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.innerText()).toContain("User dave");
    await row.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => page.locator("#pending").innerText()).toContain("Nobody is waiting.");
    await platform.deliver(platform.text("dave", "/echo now I am in"));
    await eventually(() => platform.texts().includes("now I am in"));
    expect(await page.locator("#usage").innerText()).toContain("Today (UTC)");
  });

  it("shows each channel's state, and the ClawBot QR code to scan after one click", async () => {
    const ilink = await startFakeIlink({ qrScript: ["wait", "wait", "wait", "confirmed"] });
    const own = await startGateway(
      loadConfig({ DATA_DIR: tempDataDir(), PORT: "0", LOG_LEVEL: "silent", WEIXIN_API_BASE: ilink.origin, WEIXIN_CDN_BASE: ilink.cdnBase }),
      { logDestination: collectingLog().destination },
    );
    try {
      const page = await browser!.newPage();
      await page.goto(`${own.url}admin#token=${own.adminToken}`);
      await expect.poll(() => page.locator("#channels").innerText(), { timeout: 10_000 }).toContain("web\tready");
      await page.getByRole("button", { name: "Log in with a QR code" }).click();
      await expect.poll(() => page.locator("#weixin-qr svg").count(), { timeout: 5000 }).toBe(1);
      if (process.env.PINCER_SCREENSHOT) await page.screenshot({ path: process.env.PINCER_SCREENSHOT, fullPage: true });
      await expect.poll(() => page.locator("#weixin-state").innerText(), { timeout: 10_000 }).toBe("logged-in");
      await expect.poll(() => page.locator("#channels").innerText(), { timeout: 15_000 }).toContain("weixin\tready");
    } finally {
      await own.stop();
      await ilink.close();
    }
  });

  it("logs in with the token, shows a channel's state, approves a waiting request so the run goes on, speaks Chinese, logs out", async () => {
    const chat = createChatPlatform();
    const agent = fakeAgent(() => [ask({ toolName: "shell", summary: "ls -la /srv/reports", risk: "exec" }, (decision) => [say(decision.isApproved ? `listed, approved by ${decision.decidedBy}` : "not listed")])], { id: "asker" });
    const own = await startGateway(
      loadConfig({ DATA_DIR: tempDataDir(), PORT: "0", LOG_LEVEL: "silent", PINCER_DM_POLICY: "open", PINCER_ADMINS: "chat:alice", PINCER_DAILY_TOKENS_PER_USER: "20000" }),
      { agent: agent.agent, extraAdapters: [chat.adapter], logDestination: collectingLog().destination },
    );
    const shot = async (page: import("playwright-core").Page, name: string) => {
      if (!screenshotDir) return;
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: join(screenshotDir, `console-${name}.png`), fullPage: true });
    };
    try {
      // Three hours of earlier traffic, so that the activity chart has something to draw.
      const minute = 60_000;
      const startedAt = Date.now() - 180 * minute;
      for (let index = 0; index < 180; index += 1) {
        const at = startedAt + index * minute;
        const count = Math.round(3 + 2 * Math.sin(index / 12) + (index % 7 === 0 ? 3 : 0));
        for (let n = 0; n < count; n += 1) {
          const message = { ...chat.text(`user${n}`, "earlier"), id: `earlier-${index}-${n}` };
          await own.store.inbox.insert(message, at + n);
          await own.store.inbox.setStatus([inboxKey("chat", message.id)], "done");
          if (n === 0) continue; // one message a minute goes unanswered, so the two lines part
          await own.store.outbox.claim({ key: `earlier-${index}-${n}:0`, conversation: message.conversation, part: { type: "markdown", text: "ok" } }, at + n + 1, minute);
          await own.store.outbox.markSent({ key: `earlier-${index}-${n}:0`, conversation: message.conversation, part: { type: "markdown", text: "ok" } }, `sent-${index}-${n}`, at + n + 2);
        }
        const run = { ref: `earlier-${index}`, conversationKey: "chat:user0", sessionId: "s", senderId: "user0", agentId: "asker", inboxKeys: [], startedAt: at };
        await own.store.audit.startRun(run);
        await own.store.audit.finishRun(run.ref, index % 45 === 44 ? "error" : "ok", at + 500);
      }
      await own.store.usage.record({ at: Date.now(), userRef: "chat:bob", conversationKey: "chat:bob", model: "gpt-4o-mini", inputTokens: 5400, outputTokens: 820, cachedTokens: 0, costUsd: 0.0013 });
      const context = await browser!.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${own.url}admin`);
      await expect.poll(() => page.locator("h1").innerText()).toBe("Pincer console");
      await shot(page, "login");
      await page.getByLabel("Admin token").fill(own.adminToken);
      await page.getByLabel(/Your name/).fill("Ada");
      await page.getByRole("button", { name: "Log in" }).click();
      await expect.poll(() => page.locator("h1").innerText()).toBe("Overview");
      await expect.poll(() => page.locator("#channels").innerText()).toContain("chat\tready");

      await chat.deliver(chat.text("bob", "what is in the reports folder?"));
      await expect.poll(() => page.locator("#pending-approvals .value").innerText(), { timeout: 10_000 }).toBe("1");
      await expect.poll(() => page.locator("#channels").innerText()).toMatch(/chat\tready\t.+ago/);
      await shot(page, "overview");

      await page.getByRole("link", { name: "Approvals" }).first().click();
      const row = page.locator("#approvals tr", { hasText: "ls -la /srv/reports" });
      await expect.poll(() => row.count()).toBe(1);
      await shot(page, "approvals");
      await row.getByRole("button", { name: "Approve" }).click();
      await eventually(() => chat.texts().includes("listed, approved by console:Ada"), 10_000);
      await page.getByRole("link", { name: "All" }).click();
      await expect.poll(() => page.locator("#approvals").innerText()).toContain("console:Ada");

      await page.getByRole("link", { name: "Pairing and access" }).click();
      await expect.poll(() => page.locator("#configured").innerText()).toContain("chat:alice");
      await shot(page, "access");

      await page.getByRole("link", { name: "中文" }).click();
      await expect.poll(() => page.locator("h1").innerText()).toBe("配对与权限");
      await page.getByRole("link", { name: "概览" }).click();
      await expect.poll(() => page.locator("h1").innerText()).toBe("概览");
      await shot(page, "overview-zh");

      await page.getByRole("button", { name: "退出登录" }).click();
      await expect.poll(() => page.locator("#login button").innerText()).toBe("登录");
      expect((await page.goto(`${own.url}admin/approvals`))?.status()).toBe(401);
      await context.close();
    } finally {
      await own.stop();
    }
  });
});
