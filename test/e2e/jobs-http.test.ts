import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { fakeAgent, say } from "../support/fake-agent.ts";
import { openWebChat, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

const run = promisify(execFile);
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function postJson(path: string, body: unknown, headers: Record<string, string>) {
  return fetch(`${gateway!.url}${path.replace(/^\//, "")}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("operators post through the outbox", () => {
  it("POST /api/admin/send sends once per Idempotency-Key, and refuses an unknown channel or chat with 400", async () => {
    ({ gateway } = await startTestGateway());
    const chat = await openWebChat(gateway, "c1");
    await chat.say("/echo hello");
    await chat.waitFor(() => chat.texts().includes("hello"));
    await gateway.pipeline.idle();
    const auth = { authorization: `Bearer ${gateway.adminToken}` };
    const message = { channel: "web", chatId: "c1", text: "Deploy finished." };
    const first = await postJson("/api/admin/send", message, { ...auth, "idempotency-key": "deploy-42" });
    const again = await postJson("/api/admin/send", message, { ...auth, "idempotency-key": "deploy-42" });
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await again.json()).toMatchObject({ status: "sent", wasSentBefore: true });
    await sleep(300);
    expect(chat.texts().filter((text) => text === "Deploy finished.")).toHaveLength(1);
    const badChannel = await postJson("/api/admin/send", { ...message, channel: "nowhere" }, auth);
    expect(badChannel.status).toBe(400);
    expect(((await badChannel.json()) as { error: string }).error).toMatch(/^channel: unknown channel "nowhere"/);
    const badChat = await postJson("/api/admin/send", { ...message, chatId: "never-seen" }, auth);
    expect(badChat.status).toBe(400);
    expect(((await badChat.json()) as { error: string }).error).toMatch(/^chatId: Pincer has no conversation with chat "never-seen"/);
    expect((await postJson("/api/admin/send", message, {})).status).toBe(401);
    await chat.close();
  });

  it("`pincer send` posts once through the running gateway, and says why it cannot", async () => {
    const dataDir = tempDataDir();
    ({ gateway } = await startTestGateway({ DATA_DIR: dataDir }));
    const chat = await openWebChat(gateway, "c2");
    await chat.say("/echo hi");
    await chat.waitFor(() => chat.texts().includes("hi"));
    await gateway.pipeline.idle();
    const env = { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, PORT: new URL(gateway.url).port, LOG_LEVEL: "silent" };
    const sent = await run(process.execPath, ["bin/pincer.ts", "send", "web", "c2", "from", "the", "CLI"], { env });
    expect(sent.stdout).toMatch(/^Sent \(message /);
    await chat.waitFor(() => chat.texts().includes("from the CLI"));
    const refused = await run(process.execPath, ["bin/pincer.ts", "send", "nowhere", "c2", "x"], { env }).catch((error: { code: number; stdout: string }) => error);
    expect(refused).toMatchObject({ code: 1, stdout: expect.stringMatching(/^Refused \(HTTP 400\): channel: unknown channel/) });
    await chat.close();
  }, 60_000);
});

describe("a job's webhook", () => {
  it("needs the job's own secret (not the admin token): 401 otherwise; the right one runs the job once per request", async () => {
    const { agent, inputs } = fakeAgent((input) => [say(`handled run ${input.text.includes("build 7") ? 7 : input.text.includes("build 8") ? 8 : 0}`)]);
    ({ gateway } = await startTestGateway({}, { agent }));
    const chat = await openWebChat(gateway, "c3");
    await chat.say("/hook tell the team what failed");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Scheduled job")));
    const created = chat.texts().find((text) => text.startsWith("Scheduled job"))!;
    const id = /job ([a-z0-9]{5})/.exec(created)![1]!;
    const secret = /Bearer ([A-Za-z0-9_-]{20,})/.exec(created)![1]!;
    expect(JSON.stringify(await gateway.store.jobs.get(id))).not.toContain(secret);

    const payload = { build: "build 7", status: "failed" };
    expect((await postJson(`/api/hooks/${id}`, payload, { authorization: "Bearer wrong-secret-wrong-secret" })).status).toBe(401);
    expect((await postJson(`/api/hooks/${id}`, payload, {})).status).toBe(401);
    expect((await postJson(`/api/hooks/${id}`, payload, { authorization: `Bearer ${gateway.adminToken}` })).status).toBe(401);
    expect((await postJson(`/api/hooks/zzzzz`, payload, { authorization: `Bearer ${secret}` })).status).toBe(401);
    expect((await postJson(`/api/hooks/${id}`, payload, { authorization: `Bearer ${secret}`, origin: "https://evil.example" })).status).toBe(403);
    await sleep(300);
    expect(inputs).toHaveLength(0);

    expect((await postJson(`/api/hooks/${id}`, payload, { authorization: `Bearer ${secret}` })).status).toBe(202);
    await chat.waitFor(() => chat.texts().includes("handled run 7"));
    expect((await postJson(`/api/hooks/${id}`, { build: "build 8" }, { authorization: `Bearer ${secret}` })).status).toBe(202);
    await chat.waitFor(() => chat.texts().includes("handled run 8"));
    await sleep(300);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]!.text).toContain("tell the team what failed");
    expect(inputs[0]!.text).toMatch(/<untrusted source="webhook of job [a-z0-9]{5}">[\s\S]*build 7/);
    expect(chat.texts().filter((text) => text.startsWith("handled run"))).toEqual(["handled run 7", "handled run 8"]);
    await chat.close();
  });
});

describe("the admin's view of jobs", () => {
  it("lists every chat's jobs without their secrets, and pauses or cancels any of them", async () => {
    ({ gateway } = await startTestGateway());
    const chat = await openWebChat(gateway, "c4");
    await chat.say("/every 1h /echo hourly");
    await chat.say("/hook /echo hooked");
    await chat.waitFor(() => chat.texts().filter((text) => text.startsWith("Scheduled job")).length === 2);
    const auth = { authorization: `Bearer ${gateway.adminToken}` };
    const listed = (await (await fetch(`${gateway.url}api/admin/jobs`, { headers: auth })).json()) as { jobs: { id: string; state: string; secretHash?: string }[] };
    expect(listed.jobs).toHaveLength(2);
    expect(listed.jobs.every((job) => job.state === "active" && job.secretHash === undefined)).toBe(true);
    const page = await (await fetch(`${gateway.url}admin/jobs`, { headers: auth })).text();
    for (const job of listed.jobs) expect(page).toContain(`<tr data-job="${job.id}">`);
    const [first] = listed.jobs;
    const paused = await postJson("/api/admin/jobs", { id: first!.id, action: "pause" }, auth);
    expect(await paused.json()).toMatchObject({ answer: expect.stringMatching(/^Paused job/) });
    await postJson("/api/admin/jobs", { id: first!.id, action: "cancel" }, auth);
    expect(await gateway.store.jobs.get(first!.id)).toMatchObject({ state: "cancelled" });
    expect((await fetch(`${gateway.url}api/admin/jobs`)).status).toBe(401);
    await chat.close();
  });
});
