import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobOwner } from "../../../core/jobs/service.ts";
import { auth, type ConsoleServer, now, serveConsole } from "./serve.ts";

let server: ConsoleServer;
beforeEach(async () => {
  server = await serveConsole();
});
afterEach(async () => {
  await server.close();
});

const owner: JobOwner = { conversation: { platform: "telegram", chatId: "100", kind: "group" }, userRef: "telegram:alice", displayName: "Alice <b>", role: "member" };

async function createJob(kind: "every" | "at", args: string): Promise<string> {
  const created = await server.jobs.create(owner, kind, args);
  if (created.type !== "created") throw new Error(created.message);
  return created.job.id;
}

const post = (body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${server.url}/api/admin/jobs`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("jobs in the console", () => {
  it("lists every job on the page with its schedule, owner, chat, next run and the actions its state allows", async () => {
    const every = await createJob("every", "1h <script>alert('prompt')</script> stand-up notes");
    const later = await createJob("at", "2026-12-24 18:00 wrap presents");
    await server.jobs.change(later, "pause", { userRef: "admin", role: "owner", conversationKey: undefined });
    const response = await fetch(`${server.url}/admin/jobs`, { headers: auth });
    expect(response.status).toBe(200);
    const page = await response.text();
    const row = (id: string) => page.slice(page.indexOf(`<tr data-job="${id}">`), page.indexOf("</tr>", page.indexOf(`<tr data-job="${id}">`)));
    expect(row(every)).toContain("every 1h");
    expect(row(every)).toContain("2026-12-06 13:00 (UTC)");
    expect(row(every)).toContain("Alice &#60;b&#62;");
    expect(row(every)).toContain("telegram:100");
    expect(row(every)).toContain("&#60;script&#62;alert(&#39;prompt&#39;)&#60;/script&#62;");
    expect(page).not.toContain("<script>alert(");
    expect([...row(every).matchAll(/data-action="(\w+)"/g)].map((match) => match[1])).toEqual(["run", "pause", "cancel"]);
    expect(row(later)).toContain("paused");
    expect([...row(later).matchAll(/data-action="(\w+)"/g)].map((match) => match[1])).toEqual(["run", "resume", "cancel"]);
    expect((await fetch(`${server.url}/admin/jobs`)).status).toBe(401);
  });

  it("pauses, resumes and cancels a job through POST /api/admin/jobs", async () => {
    const id = await createJob("every", "1h ping");
    expect(await (await post({ id, action: "pause" })).json()).toEqual({ answer: `Paused job ${id}: /resume ${id} to go on.` });
    expect((await server.store.jobs.get(id))?.state).toBe("paused");
    expect((await post({ id, action: "resume" })).status).toBe(200);
    expect((await server.store.jobs.get(id))).toMatchObject({ state: "active", nextRunAt: now + 3_600_000 });
    expect((await post({ id, action: "cancel" })).status).toBe(200);
    expect((await server.store.jobs.get(id))?.state).toBe("cancelled");
  });

  it("runs a job now as a one-off copy, leaving its schedule as it was; 404 for no such job, 409 for a cancelled one", async () => {
    const id = await createJob("every", "1d daily digest");
    const before = await server.store.jobs.get(id);
    const response = await post({ id, action: "run" });
    expect(response.status).toBe(202);
    const { run } = (await response.json()) as { run: string };
    expect(run).not.toBe(id);
    expect(await server.store.jobs.get(run)).toMatchObject({ prompt: "daily digest", schedule: { type: "once", at: now }, nextRunAt: now, state: "active", creatorRef: "telegram:alice" });
    expect(await server.store.jobs.get(id)).toEqual(before);
    expect((await post({ id: "zzzzz", action: "run" })).status).toBe(404);
    await post({ id, action: "cancel" });
    expect((await post({ id, action: "run" })).status).toBe(409);
  });

  it("refuses job actions without the token, with a wrong one, from another site, or not as JSON", async () => {
    const id = await createJob("every", "1h ping");
    expect((await post({ id, action: "cancel" }, {})).status).toBe(401);
    expect((await post({ id, action: "cancel" }, { authorization: "Bearer wrong-token-wrong-token-wrong-00" })).status).toBe(401);
    expect((await post({ id, action: "cancel" }, { ...auth, origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ id, action: "run" }, { ...auth, origin: "null" })).status).toBe(403);
    const form = await fetch(`${server.url}/api/admin/jobs`, { method: "POST", headers: { ...auth, "content-type": "application/x-www-form-urlencoded" }, body: `id=${id}&action=cancel` });
    expect(form.status).toBe(415);
    expect((await post({ id, action: "explode" })).status).toBe(400);
    expect((await server.store.jobs.get(id))?.state).toBe("active");
    expect(await server.store.jobs.list({})).toHaveLength(1);
    expect((await post({ id, action: "pause" }, { ...auth, origin: server.url })).status).toBe(200);
  });
});
