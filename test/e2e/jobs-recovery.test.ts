import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { JobRecord } from "../../core/store/jobs.ts";
import { openSse } from "../support/sse.ts";
import { startPincerProcess } from "../support/pincer-process.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

const children: ChildProcess[] = [];
let gateway: Gateway | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await gateway?.stop();
  gateway = undefined;
});

async function post(url: string, token: string, messageId: string, text: string) {
  await fetch(`${url}api/web/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ conversationId: "c1", messageId, text }),
  });
}

const textOf = (data: unknown) => (data as { part: { text?: string } }).part.text ?? "";

describe("a crash in the middle of a job run", () => {
  it("runs the job again once after a restart: its answer arrives exactly once", async () => {
    const dataDir = tempDataDir();
    const words = Array.from({ length: 600 }, (_, index) => `w${index}`).join(" ");
    const first = await startPincerProcess({ DATA_DIR: dataDir }, children);
    const token = first.token!;
    const auth = { authorization: `Bearer ${token}` };
    const before = await openSse(`${first.url}api/web/events?conversationId=c1`, auth);
    await post(first.url, token, "m1", `/in 1s /echo ${words}`);
    await before.waitFor((events) => events.some((event) => event.event === "message" && textOf(event.data).startsWith("w0")), 10_000);
    const jobMessageId = (before.events.find((event) => event.event === "message" && textOf(event.data).startsWith("w0"))!.data as { messageId: string }).messageId;
    first.child.kill("SIGKILL");
    await once(first.child, "exit");
    await before.close();

    const second = await startPincerProcess({ DATA_DIR: dataDir }, children);
    const after = await openSse(`${second.url}api/web/events?conversationId=c1`, auth);
    await after.waitFor((events) => events.some((event) => event.event === "edit" && textOf(event.data) === words), 20_000);
    // The run is recorded just after its last edit: ask /jobs until it shows the outcome.
    const jobsAnswers = () => after.events.filter((event) => event.event === "message" && textOf(event.data).startsWith("Jobs in this chat"));
    for (let attempt = 1; attempt <= 10 && !jobsAnswers().some((event) => /finished · last .*: delivered/.test(textOf(event.data))); attempt += 1) {
      await post(second.url, token, `m${attempt + 1}`, "/jobs");
      await after.waitFor(() => jobsAnswers().length >= attempt);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(jobsAnswers().some((event) => /finished · last .*: delivered/.test(textOf(event.data)))).toBe(true);
    const newMessages = after.events.filter((event) => event.event === "message" && !textOf(event.data).startsWith("Jobs in this chat"));
    expect(newMessages).toHaveLength(0); // the job's answer was completed in place, not sent again
    const edited = after.events.filter((event) => event.event === "edit").map((event) => (event.data as { messageId: string }).messageId);
    expect(new Set(edited)).toEqual(new Set([jobMessageId]));
    await after.close();
  }, 40_000);
});

function dueJob(id: string, chatId: string, dueAt: number, prompt: string): JobRecord {
  return {
    id, conversation: { platform: "web", chatId, kind: "direct" }, creatorRef: "web:owner", creatorName: "Owner", prompt,
    schedule: { type: "every", intervalMs: 3_600_000 }, timezone: "UTC", state: "active", nextRunAt: dueAt, isBackground: false,
    secretHash: undefined, createdAt: dueAt - 3_600_000, lastRun: undefined, runCount: 0,
  };
}

describe("jobs due while Pincer was down", () => {
  it("runs one within PINCER_JOB_CATCHUP_SEC once at start, and reports one past it as skipped", async () => {
    const dataDir = tempDataDir();
    const store = createSqliteStore(dataDir);
    const now = Date.now();
    await store.jobs.create(dueJob("near2", "c1", now - 30_000, "/echo caught up"));
    await store.jobs.create(dueJob("far23", "c1", now - 7_200_000, "/echo too late"));
    store.close();

    ({ gateway } = await startTestGateway({ DATA_DIR: dataDir, PINCER_JOB_CATCHUP_SEC: "600" }));
    const sent = async (key: string) => {
      const row = await gateway!.store.outbox.get(key);
      return row?.status === "sent" && "text" in row.part ? row.part.text : undefined;
    };
    let near: string | undefined;
    let far: string | undefined;
    const deadline = Date.now() + 10_000;
    while (!(near && far && (await gateway.store.jobs.get("near2"))?.lastRun && (await gateway.store.jobs.get("far23"))?.lastRun) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      near = await sent(`job:near2:${now - 30_000}:0`);
      far = await sent(`job:far23:${now - 7_200_000}:note`);
    }
    expect(near).toBe("caught up");
    expect(far).toContain("while Pincer was down, and was skipped");
    expect(await gateway.store.outbox.get(`job:far23:${now - 7_200_000}:0`)).toBeUndefined();
    const farJob = await gateway.store.jobs.get("far23");
    expect(farJob).toMatchObject({ state: "active", lastRun: { outcome: "skipped" } });
    expect(farJob!.lastRun!.detail).toMatch(/^missed while Pincer was down/);
    expect(farJob!.nextRunAt).toBeGreaterThan(Date.now());
    const nearJob = await gateway.store.jobs.get("near2");
    expect(nearJob).toMatchObject({ lastRun: { outcome: "delivered" }, runCount: 1 });
    expect(nearJob!.nextRunAt).toBe(now - 30_000 + 3_600_000);
    const metrics = await (await fetch(`${gateway.url}metrics`)).text();
    expect(metrics).toMatch(/pincer_job_runs_total\{outcome="delivered"\} 1/);
    expect(metrics).toMatch(/pincer_job_runs_total\{outcome="skipped"\} 3/); // the run 2 h late, and the two hourly runs missed since
    expect(metrics).toContain("pincer_job_fire_lag_seconds_bucket");
  });
});
