import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { startGateway, type Gateway } from "../../gateway/gateway.ts";

const chromiumPath = "/usr/bin/chromium";
const screenshotPath = join(tmpdir(), "web-chat.png");
const answerTimeoutMs = 15_000;

/**
 * Runs in the page: remembers every text each bot bubble showed, so a test can tell a reply
 * that was edited in place from one that was posted as several bubbles.
 */
const recordBotBubbles = `(() => {
  const texts = new Map();
  window.botBubbleTexts = () => [...texts.values()];
  const record = () => {
    for (const bubble of document.querySelectorAll("#log .msg.bot")) {
      const seen = texts.get(bubble) ?? [];
      if (seen.at(-1) !== bubble.textContent) seen.push(bubble.textContent);
      texts.set(bubble, seen);
    }
  };
  new MutationObserver(record).observe(document.getElementById("log"), { childList: true, subtree: true, characterData: true });
})()`;

function botBubbleTexts(page: Page): Promise<string[][]> {
  return page.evaluate("window.botBubbleTexts()") as Promise<string[][]>;
}

async function say(page: Page, text: string): Promise<void> {
  const input = page.getByRole("textbox");
  await input.fill(text);
  await input.press("Enter");
}

describe("web chat in a real browser", () => {
  let dataDir: string;
  let gateway: Gateway | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `Chromium is not installed at ${chromiumPath}; the system tests need it. Install it with: apt-get update && apt-get install -y chromium`,
      );
    }
    dataDir = await mkdtemp(join(tmpdir(), "pincer-system-"));
    gateway = await startGateway(loadConfig({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" }));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(`${gateway.url}#token=${gateway.adminToken}`);
    await page.evaluate(recordBotBubbles);
  });

  afterAll(async () => {
    if (page) await page.screenshot({ path: screenshotPath, fullPage: true }).catch(() => undefined);
    await browser?.close();
    await gateway?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("shows the chat page with an empty conversation, and takes the token out of the address bar", async () => {
    await expect(page.title()).resolves.toBe("Pincer");
    expect(await page.locator("#log .msg").count()).toBe(0);
    expect(page.url()).toBe(gateway!.url);
    expect(await page.locator("#hint").isVisible()).toBe(false);
  });

  it("tells a browser that has no token how to get the link", async () => {
    const stranger = await browser!.newPage();
    try {
      await stranger.goto(gateway!.url);
      await expect.poll(() => stranger.locator("#hint").isVisible()).toBe(true);
      expect(await stranger.locator("#hint").innerText()).toContain("#token=");
    } finally {
      await stranger.close();
    }
  });

  it("echoes /echo in a bot bubble, below the user's own bubble", async () => {
    await say(page, "/echo hello from the browser");

    await expect.poll(() => page.locator("#log .msg.bot").allInnerTexts(), { timeout: answerTimeoutMs }).toEqual([
      "hello from the browser",
    ]);
    expect(await page.locator("#log .msg").evaluateAll((bubbles) => bubbles.map((bubble) => bubble.className))).toEqual([
      "msg user",
      "msg bot",
    ]);
    expect(await page.locator("#log .msg.user").allInnerTexts()).toEqual(["/echo hello from the browser"]);
    await expect(page.getByRole("textbox").inputValue()).resolves.toBe("");
  });

  it("streams an answer into one bubble that is edited in place", async () => {
    await say(page, "What can you do?");

    const answer = page.locator("#log .msg.bot").nth(1);
    await expect.poll(() => answer.innerText(), { timeout: answerTimeoutMs }).toContain("or /help.");
    const text = await answer.innerText();
    expect(text).toContain('I received "What can you do?"');
    expect(text).toContain("OPENAI_BASE_URL");
    await expect(answer.locator("code", { hasText: "OPENAI_BASE_URL" }).count()).resolves.toBe(1);

    expect(await page.locator("#log .msg.bot").count()).toBe(2);
    const [, answerTexts] = await botBubbleTexts(page);
    expect(answerTexts!.length).toBeGreaterThan(1);
    expect(answerTexts!.at(-1)).toContain("OPENAI_BASE_URL");
    expect(answerTexts!.slice(0, -1).every((partial) => !partial.includes("/help"))).toBe(true);
  });

  it("answers /status with the agent in use", async () => {
    await say(page, "/status");

    const status = page.locator("#log .msg.bot").nth(2);
    await expect.poll(() => status.innerText(), { timeout: answerTimeoutMs }).toContain("Agent: builtin");
    expect(await status.innerText()).toContain("Model: none (built-in, offline)");
    expect(await page.locator("#log .msg.bot").count()).toBe(3);
    expect(await page.locator("#log .msg.user").allInnerTexts()).toEqual([
      "/echo hello from the browser",
      "What can you do?",
      "/status",
    ]);
  });

  it("lays out the user's bubbles on the right and the bot's on the left", async () => {
    const log = await page.locator("#log").boundingBox();
    const users = await Promise.all((await page.locator("#log .msg.user").all()).map((bubble) => bubble.boundingBox()));
    const bots = await Promise.all((await page.locator("#log .msg.bot").all()).map((bubble) => bubble.boundingBox()));
    const right = log!.x + log!.width;
    for (const box of users) expect(right - (box!.x + box!.width)).toBeLessThan(40);
    for (const box of bots) expect(box!.x - log!.x).toBeLessThan(40);
  });

  it("keeps a long code block inside its bubble on a phone-sized screen", async () => {
    await page.setViewportSize({ width: 380, height: 700 });
    const longLine = "const answer = 42; // a line of code far too long for a phone screen, which scrolls in its own box";
    await say(page, ["/echo Before the block:", "/echo ```js", `/echo ${longLine}`, "/echo ```", "/echo After the block."].join("\n"));

    const bubble = page.locator("#log .msg.bot").nth(3);
    await expect.poll(() => bubble.innerText(), { timeout: answerTimeoutMs }).toContain("After the block.");
    expect((await bubble.locator("pre").innerText()).trim()).toBe(longLine);
    // The closing fence's line break belongs to the fence: no blank line below the code.
    await expect(bubble.innerHTML()).resolves.toContain("</pre>After the block.");
    await expect(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).resolves.toBe(true);
    const bubbleBox = (await bubble.boundingBox())!;
    const codeBox = (await bubble.locator("pre").boundingBox())!;
    expect(codeBox.x + codeBox.width).toBeLessThanOrEqual(bubbleBox.x + bubbleBox.width);
    expect(bubbleBox.x + bubbleBox.width).toBeLessThanOrEqual(380);
    await page.setViewportSize({ width: 1000, height: 700 });
  });

  it("shows what was said in the session again after a reload", async () => {
    await page.reload();
    const users = page.locator("#log .msg.user");
    await expect.poll(() => users.allInnerTexts(), { timeout: answerTimeoutMs }).toContain("/echo hello from the browser");
    expect(await users.allInnerTexts()).toContain("What can you do?");
    expect(await page.locator("#log .msg.bot").allInnerTexts()).toContain("hello from the browser");
  });

  it("leaves no errors in the browser console", () => {
    expect(pageErrors).toEqual([]);
  });
});
