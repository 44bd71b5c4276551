import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseEnv, promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const run = promisify(execFile);
const bin = resolve("bin/pincer.ts");
let telegram: FakeBotApi | undefined;
let model: FakeOpenAI | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await telegram?.close();
  await model?.close();
  telegram = model = undefined;
});

// Each case runs the CLI as a process, which takes several seconds on a busy 2-core machine.
const slow = { timeout: 60_000 };

async function setup(args: string[], env: Record<string, string>) {
  const dataDir = tempDataDir();
  const envPath = join(dataDir, ".env");
  try {
    const { stdout } = await run(process.execPath, [bin, "setup", "--non-interactive", "--dotenv", envPath, ...args], {
      cwd: dataDir,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, ...env },
      timeout: 50_000,
    });
    return { code: 0, stdout, envPath };
  } catch (error) {
    const failure = error as { code: number; stdout: string };
    return { code: failure.code, stdout: failure.stdout, envPath };
  }
}

describe("pincer setup --non-interactive", slow, () => {
  it("exits 0 when every configured part answers, and writes the given values to .env (mode 600) without printing a secret", async () => {
    telegram = await startFakeBotApi();
    model = await startFakeOpenAI();
    const result = await setup([`TELEGRAM_BOT_TOKEN=${telegram.token}`, "OPENAI_API_KEY=sk-test-fake-key", "OPENAI_MODEL=gpt-4o-mini"], {
      TELEGRAM_API_ROOT: telegram.url,
      OPENAI_BASE_URL: model.url,
    });
    expect(result.stdout).toContain(`ok   Telegram: @${telegram.bot.username}, long polling`);
    expect(result.stdout).toContain("ok   model (openai): gpt-4o-mini");
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(telegram.token);
    expect(result.stdout).not.toContain("sk-test-fake-key");
    expect(statSync(result.envPath).mode & 0o777).toBe(0o600);
    expect(parseEnv(readFileSync(result.envPath, "utf8"))).toEqual({ TELEGRAM_BOT_TOKEN: telegram.token, OPENAI_API_KEY: "sk-test-fake-key", OPENAI_MODEL: "gpt-4o-mini" });
  });

  it("exits 1 naming what failed, in plain words, and writes nothing", async () => {
    telegram = await startFakeBotApi();
    const result = await setup(["TELEGRAM_BOT_TOKEN=123456:revoked-token"], { TELEGRAM_API_ROOT: telegram.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL Telegram: Telegram refused the token (401): it was revoked or mistyped.");
    expect(existsSync(result.envPath)).toBe(false);
  });

  it("exits 1 on a Slack user token, saying it is the wrong kind, in the language of LANG", async () => {
    const result = await setup(["SLACK_BOT_TOKEN=xoxp-1-user", "SLACK_APP_TOKEN=xapp-1-app"], { LANG: "zh_CN.UTF-8", SLACK_API_URL: "http://127.0.0.1:9/api/" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("这是用户令牌（xoxp-），不是机器人令牌");
  });

  it("exits 2 when nothing is configured", async () => {
    const result = await setup([], {});
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("Nothing to check");
  });
});

describe("npm start with nothing configured", slow, () => {
  it("prints one line pointing at pincer setup and the web chat", async () => {
    const dataDir = tempDataDir();
    const child = spawn(process.execPath, [bin, "start"], { cwd: dataDir, env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    let output = "";
    for await (const chunk of child.stdout!) {
      output += String(chunk);
      if (/npm run pincer -- setup.*\n/.test(output)) break;
    }
    const url = /^Pincer is running at (http:\/\/[^#\s]+)/m.exec(output)?.[1];
    expect(output).toContain(`No chat app is connected yet: run npm run pincer -- setup to connect one; the web chat is at ${url}`);
  });
});

describe("pincer setup in a real terminal (script(1) gives it a pseudo-terminal)", slow, () => {
  const hasScript = existsSync("/usr/bin/script");
  it.skipIf(!hasScript)("asks, hides the pasted token, checks it and writes .env", async () => {
    telegram = await startFakeBotApi();
    const dataDir = tempDataDir();
    const envPath = join(dataDir, ".env");
    const command = `${process.execPath} ${bin} setup --dotenv ${envPath}`;
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
      cwd: dataDir,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, TELEGRAM_API_ROOT: telegram.url, TERM: "xterm", LANG: "C.UTF-8" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (chunk) => (output += String(chunk)));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 45_000;
      while (!output.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no "${text}" in: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const down = "\x1b[B";
    const keys = async (after: string, typed: string) => {
      await waitFor(after);
      child.stdin!.write(typed);
    };
    await keys("Which chat app", "\r");
    await keys("Paste TELEGRAM_BOT_TOKEN", `${telegram.token}\r`);
    await keys("Connect another chat app?", "n\r");
    await keys("Which model should answer?", `${down}${down}\r`);
    await keys("Who may talk to the bot", `${down}${down}\r`);
    await keys("Start the gateway now?", "n\r");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(output).toContain(`ok: @${telegram.bot.username}, long polling`);
    expect(output).not.toContain(telegram.token);
    expect(code).toBe(0);
    expect(parseEnv(readFileSync(envPath, "utf8"))).toMatchObject({ TELEGRAM_BOT_TOKEN: telegram.token, PINCER_AGENT: "builtin", PINCER_DM_POLICY: "open" });
  });
});
