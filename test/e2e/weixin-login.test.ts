import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { runWeixinLogin } from "../../adapters/weixin/login.ts";
import { loginPath } from "../../adapters/weixin/login-store.ts";
import { startFakeIlink, type FakeIlink } from "../fakes/weixin-ilink.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

let fake: FakeIlink | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const quick = { pollIntervalMs: 10, statusPollMs: 2000, timeoutMs: 4000 };

describe("pincer weixin login", () => {
  it("follows wait → scaned → confirmed and stores the credentials with mode 600", async () => {
    fake = await startFakeIlink({ qrScript: ["wait", "scaned", "confirmed"] });
    const dataDir = tempDataDir();
    const shown: string[] = [];
    const login = await runWeixinLogin({ apiBase: fake.origin, dataDir, showQr: (qr) => void shown.push(qr), say: () => undefined, askCode: async () => "", ...quick });
    expect(shown).toEqual([expect.stringContaining("qrcode=qr-1")]);
    expect(statSync(loginPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(loginPath(dataDir), "utf8"))).toMatchObject({ botToken: fake.botToken, botId: fake.botId, baseUrl: fake.origin, userId: fake.ownerId });
    expect(login.botToken).toBe(fake.botToken);
    expect(fake.problems).toEqual([]);
  });

  it("shows a new QR code when the first one expires", async () => {
    fake = await startFakeIlink({ qrScript: ["wait", "expired", "scaned", "confirmed"] });
    const shown: string[] = [];
    await runWeixinLogin({ apiBase: fake.origin, dataDir: tempDataDir(), showQr: (qr) => void shown.push(qr), say: () => undefined, askCode: async () => "", ...quick });
    expect(fake.qrcodes).toEqual(["qr-1", "qr-2"]);
    expect(shown).toHaveLength(2);
    expect(fake.statusPolls.at(-1)?.qrcode).toBe("qr-2");
  });

  it("asks for the verification code, sends it with the status poll, and follows a redirect", async () => {
    fake = await startFakeIlink({ qrScript: ["scaned", "need_verifycode", "scaned_but_redirect", "confirmed"], verifyCode: "4821" });
    const prompts: string[] = [];
    await runWeixinLogin({
      apiBase: fake.origin,
      dataDir: tempDataDir(),
      showQr: () => undefined,
      say: () => undefined,
      askCode: async (prompt) => {
        prompts.push(prompt);
        return "4821";
      },
      ...quick,
    });
    expect(prompts).toHaveLength(1);
    expect(fake.statusPolls.some((poll) => poll.verifyCode === "4821")).toBe(true);
  });

  it("keeps its polling pace when a redirect names no host", async () => {
    let statusPolls = 0;
    const answer = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
    const fetchStub: typeof fetch = async (input) => {
      const url = String(input);
      if (url.includes("get_bot_qrcode")) return answer({ qrcode: "qr-1", qrcode_img_content: "https://liteapp.weixin.qq.com/q/qr-1" });
      statusPolls += 1;
      return answer({ status: "scaned_but_redirect" });
    };
    await expect(
      runWeixinLogin({ apiBase: "http://127.0.0.1:9", dataDir: tempDataDir(), showQr: () => undefined, say: () => undefined, askCode: async () => "", fetch: fetchStub, pollIntervalMs: 100, statusPollMs: 1000, timeoutMs: 450 }),
    ).rejects.toThrow(/timed out/);
    expect(statusPolls).toBeLessThanOrEqual(6);
  });

  it("gives up after the total timeout", async () => {
    fake = await startFakeIlink({ qrScript: ["wait"] });
    await expect(runWeixinLogin({ apiBase: fake.origin, dataDir: tempDataDir(), showQr: () => undefined, say: () => undefined, askCode: async () => "", ...quick, timeoutMs: 300 })).rejects.toThrow(/timed out/);
  });

  it("works as a CLI command: prints a terminal QR code and the URL, stores the login", async () => {
    fake = await startFakeIlink({ qrScript: ["wait", "confirmed"] });
    const dataDir = tempDataDir();
    const child = spawn(process.execPath, ["bin/pincer.ts", "weixin", "login"], {
      env: { PATH: process.env["PATH"] ?? "", DATA_DIR: dataDir, WEIXIN_API_BASE: fake.origin, LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("▄");
    expect(stdout).toContain("https://liteapp.weixin.qq.com/q/qr-1");
    expect(stdout).toContain(`Logged in as bot ${fake.botId}`);
    expect(statSync(loginPath(dataDir)).mode & 0o777).toBe(0o600);
  }, 15_000);
});
