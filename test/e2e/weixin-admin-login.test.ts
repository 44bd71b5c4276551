import { statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import { loginPath } from "../../adapters/weixin/login-store.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeIlink, type FakeIlink } from "../fakes/weixin-ilink.ts";
import { eventually } from "../support/eventually.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let fake: FakeIlink | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

const adminToken = "admin-token-for-tests-0123";
const auth = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };

/** Polls an async condition (the gateway's API) until it holds. */
async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function loginStatus(url: string) {
  const response = await fetch(`${url}api/admin/weixin/login`, { headers: auth });
  return (await response.json()) as { state: string; qrSvg?: string; qr?: string; messages: string[]; botId?: string };
}

describe("the ClawBot login on the admin API", () => {
  it("shows the QR code as SVG, stores the login, and connects the channel without a restart", async () => {
    fake = await startFakeIlink({ qrScript: ["wait", "wait", "confirmed"] });
    const dataDir = tempDataDir();
    ({ gateway } = await startTestGateway(
      { DATA_DIR: dataDir, WEIXIN_API_BASE: fake.origin, WEIXIN_CDN_BASE: fake.cdnBase, PINCER_DM_POLICY: "open", PINCER_ADMIN_TOKEN: adminToken },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }) },
    ));
    const url = gateway.url;
    expect(Object.keys(((await (await fetch(`${url}readyz`)).json()) as { channels: object }).channels)).toEqual(["web"]);
    expect((await fetch(`${url}api/admin/weixin/login`, { method: "POST" })).status).toBe(401);

    const started = await fetch(`${url}api/admin/weixin/login`, { method: "POST", headers: auth, body: "{}" });
    expect(started.status).toBe(202);
    await until(async () => (await loginStatus(url)).qrSvg !== undefined, 4000);
    const waiting = await loginStatus(url);
    expect(waiting.state).toBe("waiting-for-scan");
    expect(waiting.qr).toContain("qrcode=qr-1");
    expect(waiting.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    await until(async () => (await loginStatus(url)).state === "logged-in", 8000);
    expect(statSync(loginPath(dataDir)).mode & 0o777).toBe(0o600);
    const readiness = async () => (await (await fetch(`${url}readyz`)).json()) as { channels: Record<string, { state: string }> };
    await until(async () => (await readiness()).channels["weixin"]?.state === "ready", 4000);

    fake.push({ items: [{ type: 1, text_item: { text: "/echo hello from WeChat" } }] });
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(fake.texts()).toEqual(["hello from WeChat"]);
  });

  it("takes the number WeChat asks for, and refuses a code nobody asked for", async () => {
    fake = await startFakeIlink({ qrScript: ["scaned", "need_verifycode", "confirmed"], verifyCode: "4821" });
    ({ gateway } = await startTestGateway(
      { WEIXIN_API_BASE: fake.origin, WEIXIN_CDN_BASE: fake.cdnBase, PINCER_ADMIN_TOKEN: adminToken },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }) },
    ));
    const url = gateway.url;
    const early = await fetch(`${url}api/admin/weixin/login/code`, { method: "POST", headers: auth, body: JSON.stringify({ code: "1" }) });
    expect(early.status).toBe(409);
    await fetch(`${url}api/admin/weixin/login`, { method: "POST", headers: auth, body: "{}" });
    await until(async () => (await loginStatus(url)).state === "waiting-for-code", 6000);
    const answered = await fetch(`${url}api/admin/weixin/login/code`, { method: "POST", headers: auth, body: JSON.stringify({ code: "4821" }) });
    expect(answered.status).toBe(202);
    await until(async () => (await loginStatus(url)).state === "logged-in", 6000);
    expect(fake.statusPolls.some((poll) => poll.verifyCode === "4821")).toBe(true);
  });
});
