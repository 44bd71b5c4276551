import { describe, expect, it } from "vitest";
import { catalogueKeys } from "../../../core/i18n/catalogue.ts";
import type { AuditEntry } from "../../../core/store/audit-log.ts";
import type { JobRecord } from "../../../core/store/jobs.ts";
import { auditPage } from "../../../gateway/console/audit-page.ts";
import { csvCell, csvRow } from "../../../gateway/console/csv.ts";
import { jobsPage } from "../../../gateway/console/jobs-page.ts";
import type { Breakdown, DailyUsage } from "../../../gateway/console/usage-data.ts";
import { usagePage } from "../../../gateway/console/usage-page.ts";

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
const dayMs = 24 * 60 * 60 * 1000;
const start = Date.UTC(2026, 10, 7);

const days = (count: number): DailyUsage[] =>
  Array.from({ length: count }, (_, index) => ({
    day: new Date(start + index * dayMs).toISOString().slice(0, 10),
    start: start + index * dayMs,
    calls: index,
    inputTokens: index * 100,
    outputTokens: index * 10,
    tokens: index * 110,
    costUsd: index / 100,
  }));

const breakdown = (by: Breakdown["by"], key: string, share: number | null): Breakdown => ({
  by,
  since: start,
  isToday: true,
  caps: by === "model" ? { tokensPerDay: null, usdPerDay: null } : { tokensPerDay: 1000, usdPerDay: 2 },
  rows: [{ key, calls: 3, inputTokens: 900, outputTokens: 300, tokens: 1200, costUsd: 1.5, tokensCapShare: share, usdCapShare: share === null ? null : 0.75 }],
});

const budget = { dailyTokensPerUser: 1000, dailyTokensPerChat: 0, dailyUsdPerUser: 2, dailyUsdPerChat: 0 };

describe("the Usage page", () => {
  it("draws one bar per day, the tallest for the busiest day, each with its day and figures as a tooltip", () => {
    const page = usagePage({ locale: "en", days: days(30), window: "today", breakdowns: [], budget }).html;
    const bars = [...page.matchAll(/<rect class="bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"><title>([^<]*)<\/title>/g)];
    expect(bars).toHaveLength(30);
    expect(Number(bars[0]![2])).toBe(0);
    expect(Math.max(...bars.map((bar) => Number(bar[2])))).toBe(Number(bars[29]![2]));
    expect(bars[29]![3]).toBe("2026-12-06: 3,190 tokens, $0.29, 29 calls");
    expect(usagePage({ locale: "en", days: days(7), window: "today", breakdowns: [], budget }).html.match(/<rect class="bar"/g)).toHaveLength(7);
  });

  it("shows each user against the daily caps, marks one over its cap, and escapes every name", () => {
    const page = usagePage({
      locale: "en",
      days: days(30),
      window: "today",
      breakdowns: [breakdown("user", hostile, 1.2), breakdown("chat", `telegram:${hostile}`, 0.5), breakdown("model", "gpt-4o-mini", null)],
      budget,
    }).html;
    expect(page).not.toContain("<script>alert(1)");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(page).toContain('<td class="num over"><meter min="0" max="1" low="0.7" high="0.9" optimum="0" value="1"></meter> 120%</td>');
    expect(page).toContain("Daily caps, reset at 00:00 UTC: per user 1,000 tokens and $2.00; per chat no cap.");
    expect(page).toContain("Models have no cap of their own.");
  });

  it("speaks Chinese when asked", () => {
    const page = usagePage({ locale: "zh-CN", days: days(30), window: "7d", breakdowns: [breakdown("user", "telegram:alice", null)], budget }).html;
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain("最近 30 天每日令牌用量（UTC）");
    expect(page).toContain("仅在查看今天时显示每日上限的占用比例。");
  });
});

describe("the Jobs and Audit log pages", () => {
  const job: JobRecord = {
    id: "k7m2p",
    conversation: { platform: "telegram", chatId: hostile, kind: "group" },
    creatorRef: `telegram:${hostile}`,
    creatorName: hostile,
    prompt: hostile,
    schedule: { type: "cron", expr: hostile },
    timezone: "Asia/Shanghai",
    state: "active",
    nextRunAt: Date.UTC(2026, 11, 7, 1),
    isBackground: false,
    secretHash: undefined,
    createdAt: start,
    lastRun: { dueAt: start, endedAt: start + 1000, outcome: "failed", detail: hostile },
    runCount: 4,
  };

  it("escapes everything a job carries and shows times in the job's zone", () => {
    const page = jobsPage([job], "en").html;
    expect(page).not.toContain("<script>alert(1)");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("2026-12-07 09:00 (Asia/Shanghai)");
    expect(page).toContain('data-confirm="Cancel job k7m2p? It will not run again."');
    expect(jobsPage([], "zh-CN").html).toContain("暂无任务");
  });

  it("escapes entries and the filters typed into the form", () => {
    const entries: AuditEntry[] = [
      { type: "event", seq: 1, at: start, runRef: hostile, conversationKey: hostile, senderId: hostile, agentId: hostile, kind: hostile, detail: { tool: hostile, summary: hostile } },
      { type: "run", kind: "run", at: start, runRef: "r1", conversationKey: "c", senderId: "u", agentId: "a", outcome: "error", endedAt: start + 1, detail: hostile },
    ];
    const page = auditPage({ locale: "en", filters: { runRef: hostile, chat: hostile, kind: hostile }, entries, nextCursor: "abc", isPaged: true }).html;
    expect(page).not.toContain("<script>alert(1)");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain('<input name="runRef" value="&#34;&#62;&#60;script&#62;');
  });
});

describe("CSV cells", () => {
  it("quote commas, quotes and line breaks, and turn formula-looking text into text", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvCell(undefined)).toBe("");
    expect(csvRow(["a", 1, undefined])).toBe("a,1,\r\n");
  });
});

describe("the console's catalogue", () => {
  it("has the same keys in English and Chinese", () => {
    expect(catalogueKeys("zh-CN").sort()).toEqual(catalogueKeys("en").sort());
  });
});
