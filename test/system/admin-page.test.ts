import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { loadConfig } from "../../core/config.ts";
import { startGateway, type Gateway } from "../../gateway/gateway.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { startFakeIlink } from "../fakes/weixin-ilink.ts";
import { eventually } from "../support/eventually.ts";
import { collectingLog } from "../support/recording-logger.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const chromiumPath = "/usr/bin/chromium";

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
    await expect.poll(() => row.count()).toBe(1);
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
      await expect.poll(() => page.locator("#channels").innerText()).toContain("web\tready");
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
});
