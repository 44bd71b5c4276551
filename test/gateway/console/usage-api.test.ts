import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UsageEntry } from "../../../core/store/store.ts";
import { auth, type ConsoleServer, dayMs, now, parseCsv, serveConsole } from "./serve.ts";

let server: ConsoleServer;
beforeEach(async () => {
  server = await serveConsole();
});
afterEach(async () => {
  await server.close();
});

const call = (overrides: Partial<UsageEntry>): UsageEntry => ({
  at: now - 60_000, userRef: "telegram:alice", conversationKey: "telegram:100", model: "gpt-4o-mini", inputTokens: 400, outputTokens: 100, cachedTokens: 0, costUsd: 0.5,
  ...overrides,
});

const get = (path: string, headers: Record<string, string> = auth) => fetch(`${server.url}${path}`, { headers });

describe("usage API", () => {
  it("refuses every usage route without the admin token, or with a wrong one (401)", async () => {
    for (const path of ["/admin/usage", "/api/admin/usage/daily", "/api/admin/usage/breakdown?by=user", "/api/admin/usage.csv", "/api/admin/usage"]) {
      expect((await get(path, {})).status, path).toBe(401);
      expect((await get(path, { authorization: "Bearer wrong-token-wrong-token-wrong-00" })).status, path).toBe(401);
    }
  });

  it("gives one entry per UTC day for the last 30 days, oldest first, with zeros for quiet days", async () => {
    await server.store.usage.record(call({}));
    await server.store.usage.record(call({ at: now - 2 * dayMs, inputTokens: 1000, outputTokens: 0, costUsd: 1 }));
    await server.store.usage.record(call({ at: now - 40 * dayMs }));
    const response = await get("/api/admin/usage/daily?days=30");
    expect(response.status).toBe(200);
    const { days } = (await response.json()) as { days: { day: string; tokens: number; costUsd: number; calls: number }[] };
    expect(days).toHaveLength(30);
    expect(days[0]!.day).toBe("2026-11-07");
    expect(days.at(-1)).toMatchObject({ day: "2026-12-06", tokens: 500, costUsd: 0.5, calls: 1 });
    expect(days.at(-3)).toMatchObject({ day: "2026-12-04", tokens: 1000, calls: 1 });
    expect(days.filter((day) => day.calls === 0)).toHaveLength(28);
    expect(((await (await get("/api/admin/usage/daily?days=7")).json()) as { days: unknown[] }).days).toHaveLength(7);
    for (const bad of ["0", "367", "ten"]) expect((await get(`/api/admin/usage/daily?days=${bad}`)).status, bad).toBe(400);
  });

  it("breaks today down per user against the daily caps, per chat without caps, per model; an older window is not compared with them", async () => {
    await server.store.usage.record(call({ inputTokens: 900, outputTokens: 300, costUsd: 1 }));
    await server.store.usage.record(call({ userRef: "telegram:bob", conversationKey: "slack:C1", model: "claude-sonnet-4", inputTokens: 100, outputTokens: 0, costUsd: 0.1 }));
    await server.store.usage.record(call({ at: now - 3 * dayMs, userRef: "telegram:carol", inputTokens: 5000 }));
    const users = (await (await get("/api/admin/usage/breakdown?by=user")).json()) as Record<string, unknown>;
    expect(users).toMatchObject({ by: "user", isToday: true, caps: { tokensPerDay: 1000, usdPerDay: 2 } });
    expect(users.rows).toEqual([
      { key: "telegram:alice", calls: 1, inputTokens: 900, outputTokens: 300, tokens: 1200, costUsd: 1, tokensCapShare: 1.2, usdCapShare: 0.5 },
      { key: "telegram:bob", calls: 1, inputTokens: 100, outputTokens: 0, tokens: 100, costUsd: 0.1, tokensCapShare: 0.1, usdCapShare: 0.05 },
    ]);
    const chats = (await (await get("/api/admin/usage/breakdown?by=chat")).json()) as { caps: unknown; rows: { key: string; tokensCapShare: unknown }[] };
    expect(chats.caps).toEqual({ tokensPerDay: null, usdPerDay: null });
    expect(chats.rows.map((row) => [row.key, row.tokensCapShare])).toEqual([["telegram:100", null], ["slack:C1", null]]);
    const models = (await (await get("/api/admin/usage/breakdown?by=model")).json()) as { rows: { key: string }[] };
    expect(models.rows.map((row) => row.key)).toEqual(["gpt-4o-mini", "claude-sonnet-4"]);
    const week = (await (await get("/api/admin/usage/breakdown?by=user&since=2026-11-30")).json()) as { isToday: boolean; rows: { key: string; tokensCapShare: unknown }[] };
    expect(week.isToday).toBe(false);
    expect(week.rows.map((row) => [row.key, row.tokensCapShare])).toEqual([["telegram:carol", null], ["telegram:alice", null], ["telegram:bob", null]]);
    const sinceMs = (await (await get(`/api/admin/usage/breakdown?by=user&since=${now - 3 * dayMs - 1}&limit=1`)).json()) as { rows: unknown[] };
    expect(sinceMs.rows).toHaveLength(1);
    for (const bad of ["by=team", "by=user&since=yesterday-ish", "by=user&limit=0"]) expect((await get(`/api/admin/usage/breakdown?${bad}`)).status, bad).toBe(400);
  });

  it("exports per day, user, chat and model as CSV, quoted, with spreadsheet formulas neutralised", async () => {
    await server.store.usage.record(call({ userRef: '=HYPERLINK("http://evil.example","click")', conversationKey: "telegram:a,b \"quoted\"\nnext line" }));
    await server.store.usage.record(call({ userRef: "telegram:bob", model: "+SUM(A1)" }));
    await server.store.usage.record(call({ userRef: "-2+3", model: "@cmd" }));
    await server.store.usage.record(call({ at: now - dayMs, userRef: "telegram:bob", costUsd: 0.125 }));
    const response = await get("/api/admin/usage.csv?days=30");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="pincer-usage-2026-11-07-2026-12-06\.csv"$/);
    const text = await response.text();
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["day", "user", "chat", "model", "calls", "input_tokens", "output_tokens", "cost_usd"]);
    expect(rows).toHaveLength(5);
    expect(rows[1]).toEqual(["2026-12-05", "telegram:bob", "telegram:100", "gpt-4o-mini", "1", "400", "100", "0.125"]);
    const cells = rows.slice(2).flat();
    expect(cells).toContain(`'=HYPERLINK("http://evil.example","click")`);
    expect(cells).toContain('telegram:a,b "quoted"\nnext line');
    expect(cells).toContain("'+SUM(A1)");
    expect(cells).toContain("'-2+3");
    expect(cells).toContain("'@cmd");
    expect(cells.filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect((await get("/api/admin/usage.csv?days=1000")).status).toBe(400);
  });

  it("keeps GET /api/admin/usage's one-line summary", async () => {
    await server.store.usage.record(call({}));
    const response = await get("/api/admin/usage");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { summary: string }).summary).toMatch(/^Today \(UTC\): 500 tokens/);
  });

  it("serves the Usage page to the owner, in Chinese when the browser asks for it", async () => {
    await server.store.usage.record(call({ userRef: "<img src=x onerror=alert(1)>" }));
    const response = await get("/admin/usage", { ...auth, "accept-language": "zh-CN,zh;q=0.9,en;q=0.5" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain("按用户");
    expect(page.match(/<rect class="bar"/g)).toHaveLength(30);
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&#60;img src=x onerror=alert(1)&#62;");
  });
});
