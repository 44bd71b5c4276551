import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { openWebChat, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

describe("health, readiness and metrics", () => {
  it("reports live, ready with each channel's state, and Prometheus metrics that count messages and runs", async () => {
    ({ gateway } = await startTestGateway());
    expect((await fetch(`${gateway.url}healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", channels: { web: { state: "ready" } } });

    const chat = await openWebChat(gateway);
    await chat.say("/echo counted");
    await chat.waitFor(() => chat.texts().includes("counted"));
    await gateway.pipeline.idle();
    const metrics = await (await fetch(`${gateway.url}metrics`)).text();
    expect(metrics).toContain('pincer_messages_in_total{channel="web",platform="web",outcome="accepted"} 1');
    expect(metrics).toContain('pincer_runs_total{outcome="ok"} 1');
    expect(metrics).toContain("pincer_queue_depth 0");
    expect(metrics).toMatch(/pincer_first_reply_seconds_count 1/);
    await chat.close();
  });
});

describe("the admin token", () => {
  const token = "test-admin-token-0123456789";

  it("is required by the web chat API when set, and never written to the log", async () => {
    const started = await startTestGateway({ PINCER_ADMIN_TOKEN: token, LOG_LEVEL: "debug" });
    gateway = started.gateway;
    const anonymous = await fetch(`${gateway.url}api/web/messages`, { method: "POST", body: "{}" });
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${gateway.url}api/web/events?conversationId=c1&token=wrong`);
    expect(wrong.status).toBe(401);
    const page = await fetch(gateway.url);
    expect(page.status).toBe(200);

    const chat = await openWebChat(gateway, "c1", token);
    await chat.say(`/echo ${token}`);
    await chat.waitFor(() => chat.texts().length === 1);
    await gateway.pipeline.idle();
    expect(started.log.lines.join("\n")).not.toContain(token);
    await chat.close();
  });

  it("guards the admin API and approves pairing codes through it", async () => {
    ({ gateway } = await startTestGateway({ PINCER_ADMIN_TOKEN: token }));
    expect((await fetch(`${gateway.url}api/admin/pairing`)).status).toBe(401);
    const listed = await fetch(`${gateway.url}api/admin/pairing`, { headers: { authorization: `Bearer ${token}` } });
    expect(await listed.json()).toEqual({ pending: [] });
    const approve = await fetch(`${gateway.url}api/admin/pairing/approve`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ platform: "telegram", code: "ABCDEFGH" }),
    });
    expect(approve.status).toBe(404);
    expect((await fetch(`${gateway.url}api/admin/usage`)).status).toBe(401);
    const usage = await fetch(`${gateway.url}api/admin/usage`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await usage.json()) as { summary: string }).summary).toContain("Today (UTC): 0 tokens");
    const page = await fetch(`${gateway.url}admin`);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain("<title>Log in · Pincer console</title>");
    expect((await fetch(`${gateway.url}admin`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
