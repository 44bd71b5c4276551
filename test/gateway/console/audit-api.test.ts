import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../../core/store/audit-log.ts";
import { auth, type ConsoleServer, now, parseCsv, serveConsole } from "./serve.ts";

let server: ConsoleServer;
beforeEach(async () => {
  server = await serveConsole();
});
afterEach(async () => {
  await server.close();
});

const get = (path: string, headers: Record<string, string> = auth) => fetch(`${server.url}${path}`, { headers });
const t0 = now - 3_600_000;

/** Two runs: one in a Telegram group with a shell call that an admin denied, one in Slack with a fetch. */
async function seed(): Promise<void> {
  const { audit } = server.store;
  await audit.startRun({ ref: "run-1", conversationKey: "telegram:100", sessionId: "s1", senderId: "alice", agentId: "llm", inboxKeys: [], startedAt: t0 });
  await audit.recordEvent("run-1", t0 + 1000, "tool-call", { tool: "shell", summary: '=cmd|" /C calc"!A0 <script>alert(1)</script>', risk: "dangerous" });
  await audit.recordEvent("run-1", t0 + 2000, "tool-decision", { tool: "shell", isApproved: false, decidedBy: "telegram:admin" });
  await audit.finishRun("run-1", "ok", t0 + 3000);
  await audit.startRun({ ref: "run-2", conversationKey: "slack:C1", sessionId: "s2", senderId: "U9", agentId: "llm", inboxKeys: [], startedAt: t0 + 60_000 });
  await audit.recordEvent("run-2", t0 + 61_000, "tool-call", { tool: "fetch", summary: "https://example.com" });
  await audit.recordEvent("run-2", t0 + 62_000, "tool-result", { tool: "fetch", chars: 10, preview: "<html>" });
}

const labels = (entries: AuditEntry[]) => entries.map((entry) => `${entry.kind} ${entry.runRef}`);

describe("audit log API", () => {
  it("refuses every audit route without the admin token, or with a wrong one (401)", async () => {
    for (const path of ["/admin/audit", "/api/admin/audit", "/api/admin/audit.csv", "/api/admin/audit.jsonl"]) {
      expect((await get(path, {})).status, path).toBe(401);
      expect((await get(path, { authorization: "Bearer wrong-token-wrong-token-wrong-00" })).status, path).toBe(401);
    }
  });

  it("lists runs and events newest first, and pages through them with the cursor it hands out", async () => {
    await seed();
    const first = (await (await get("/api/admin/audit?limit=3")).json()) as { entries: AuditEntry[]; nextCursor?: string };
    expect(labels(first.entries)).toEqual(["tool-result run-2", "tool-call run-2", "run run-2"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await (await get(`/api/admin/audit?limit=3&cursor=${first.nextCursor}`)).json()) as { entries: AuditEntry[]; nextCursor?: string };
    expect(labels(second.entries)).toEqual(["tool-decision run-1", "tool-call run-1", "run run-1"]);
    expect(second.nextCursor).toBeUndefined();
    expect(second.entries[2]).toMatchObject({ type: "run", outcome: "ok", endedAt: t0 + 3000, conversationKey: "telegram:100", senderId: "alice" });
    expect((await get("/api/admin/audit?cursor=not-a-cursor")).status).toBe(400);
    expect((await get(`/api/admin/audit?cursor=${Buffer.from('["x"]').toString("base64url")}`)).status).toBe(400);
    expect((await get("/api/admin/audit?limit=500")).status).toBe(400);
  });

  it("filters by run, kind, user, chat and time", async () => {
    await seed();
    const list = async (query: string) => labels(((await (await get(`/api/admin/audit?${query}`)).json()) as { entries: AuditEntry[] }).entries);
    expect(await list("runRef=run-1")).toEqual(["tool-decision run-1", "tool-call run-1", "run run-1"]);
    expect(await list("kind=tool-call")).toEqual(["tool-call run-2", "tool-call run-1"]);
    expect(await list("kind=run")).toEqual(["run run-2", "run run-1"]);
    expect(await list("user=U9&kind=tool-result")).toEqual(["tool-result run-2"]);
    expect(await list("chat=telegram:100&kind=tool-decision")).toEqual(["tool-decision run-1"]);
    expect(await list(`since=${t0 + 1000}&until=${t0 + 61_000}`)).toEqual(["run run-2", "tool-decision run-1", "tool-call run-1"]);
    expect(await list("since=2026-12-06T11:00:30&until=2026-12-06T11:01:01.500")).toEqual(["tool-call run-2", "run run-2"]);
    expect(await list("kind=")).toHaveLength(6);
    expect((await get("/api/admin/audit?kind=%3Cscript%3E")).status).toBe(400);
    expect((await get("/api/admin/audit?since=last-tuesday")).status).toBe(400);
  });

  it("exports the filtered log as CSV (quoted, formulas neutralised) and as JSON Lines", async () => {
    await seed();
    const csv = await get("/api/admin/audit.csv?chat=telegram:100");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="pincer-audit.csv"');
    const rows = parseCsv(await csv.text());
    expect(rows[0]).toEqual(["time", "at", "kind", "run", "chat", "user", "agent", "outcome", "detail"]);
    expect(rows.slice(1).map((row) => row[2])).toEqual(["tool-decision", "tool-call", "run"]);
    expect(JSON.parse(rows[2]![8]!)).toEqual({ tool: "shell", summary: '=cmd|" /C calc"!A0 <script>alert(1)</script>', risk: "dangerous" });
    await server.store.audit.startRun({ ref: "@evil", conversationKey: "=1+1", sessionId: "s", senderId: "+42", agentId: "-x", inboxKeys: [], startedAt: t0 + 100_000 });
    const hostile = parseCsv(await (await get("/api/admin/audit.csv?kind=run")).text());
    expect(hostile[1]!.slice(3, 7)).toEqual(["'@evil", "'=1+1", "'+42", "'-x"]);
    const jsonl = await get("/api/admin/audit.jsonl?runRef=run-2");
    expect(jsonl.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = (await jsonl.text()).trim().split("\n").map((line) => JSON.parse(line) as AuditEntry);
    expect(labels(lines)).toEqual(["tool-result run-2", "tool-call run-2", "run run-2"]);
    expect((await get("/api/admin/audit.jsonl?until=never")).status).toBe(400);
  });

  it("exports more than one store page: every entry once", async () => {
    for (let index = 0; index < 1200; index += 1) await server.store.audit.recordEvent(`run-${index % 7}`, t0 + Math.floor(index / 3), "tool-call", { n: index });
    const lines = (await (await get("/api/admin/audit.jsonl")).text()).trim().split("\n").map((line) => (JSON.parse(line) as { detail: { n: number } }).detail.n);
    expect(lines).toHaveLength(1200);
    expect(new Set(lines).size).toBe(1200);
  });

  it("shows the log on the page with its filters, hostile text escaped, and a link to older entries", async () => {
    await seed();
    const response = await get("/admin/audit?limit=2&kind=tool-call");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("https://example.com");
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(page).toMatch(/<option value="tool-call" selected>/);
    expect(page).not.toContain('rel="next"');
    const paged = await (await get("/admin/audit?limit=1")).text();
    expect(paged).toMatch(/<a rel="next" href="\?limit=1&#38;cursor=[A-Za-z0-9_-]+">Older entries<\/a>/);
    const bad = await (await get("/admin/audit?since=soon")).text();
    expect(bad).toContain("This filter cannot be used: since:");
  });
});
