import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDataDir } from "../support/web-chat-client.ts";

const run = promisify(execFile);

async function startWith(env: Record<string, string>) {
  try {
    await run(process.execPath, ["bin/pincer.ts", "start"], {
      env: { PATH: process.env.PATH ?? "", DATA_DIR: tempDataDir(), ...env },
      timeout: 10_000,
    });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

describe("start-up with a wrong configuration", () => {
  it("refuses a bad PORT with one line naming PORT and what it expects", async () => {
    const result = await startWith({ PORT: "eighty" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('pincer: configuration error: PORT: expected an integer from 0 to 65535 (got "eighty")');
  });

  it("refuses to listen beyond loopback without PINCER_ADMIN_TOKEN", async () => {
    const result = await startWith({ HOST: "0.0.0.0", PORT: "0" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("PINCER_ADMIN_TOKEN: required when HOST is not a loopback address");
  });

  it("names an unknown policy value", async () => {
    const result = await startWith({ PINCER_DM_POLICY: "everyone" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PINCER_DM_POLICY: .*"pairing".*\(got "everyone"\)/);
  });

  it("refuses a 1-character Telegram webhook secret, naming TELEGRAM_WEBHOOK_SECRET", async () => {
    const result = await startWith({ PORT: "0", TELEGRAM_BOT_TOKEN: "123456:TEST-fake", TELEGRAM_WEBHOOK_SECRET: "q" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^pincer: configuration error: TELEGRAM_WEBHOOK_SECRET: expected 32 to 256 characters/);
  });
});
