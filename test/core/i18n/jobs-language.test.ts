import { describe, expect, it } from "vitest";
import { handleJobCommand } from "../../../core/jobs/commands.ts";
import { createJobService } from "../../../core/jobs/service.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";

const now = Date.UTC(2026, 11, 6, 10, 0);

function setUp() {
  const store = createSqliteStore(":memory:");
  const service = createJobService({
    jobs: store.jobs,
    config: { timezone: "Asia/Shanghai", minIntervalMs: 60_000, maxJobsPerUser: 20, catchupMs: 3_600_000, maxTokensPerRun: 0 },
    wake: () => {},
    now: () => now,
  });
  const asker = (locale: "en" | "zh-CN") => ({
    conversation: { platform: "telegram", chatId: "42", kind: "direct" as const }, userRef: "telegram:42", displayName: "林", role: "member" as const, locale,
  });
  return { service, asker };
}

describe("job commands in the asker's language", () => {
  it("schedules, lists, pauses and refuses bad input in Chinese for a Chinese user, and in English otherwise", async () => {
    const { service, asker } = setUp();
    expect(await handleJobCommand("jobs", "", asker("zh-CN"), service)).toBe("本会话没有任务。用 /in、/at、/every、/cron 或 /bg 创建一个（见 /help）。");
    const created = await handleJobCommand("every", "1h 喝水", asker("zh-CN"), service);
    expect(created).toMatch(/^已安排任务 ([a-z0-9]{5})：每 1h，下次运行 2026-12-06 19:00（Asia\/Shanghai）。用 \/cancel \1 停止。$/);
    const id = /任务 ([a-z0-9]{5})/.exec(created)![1]!;
    expect(await handleJobCommand("jobs", "", asker("zh-CN"), service)).toBe(
      `本会话的任务（时间为 Asia/Shanghai）：\n${id} · 每 1h · 下次 2026-12-06 19:00 — "喝水" (林)`,
    );
    expect(await handleJobCommand("pause", id, asker("zh-CN"), service)).toBe(`已暂停任务 ${id}：用 /resume ${id} 继续。`);
    expect(await handleJobCommand("in", "soon 喝水", asker("zh-CN"), service)).toBe("“soon”不是有效的时长。用法：/in <时长> <提示>，时长如 90s、10m、1h30m 或 1d。");
    expect(await handleJobCommand("in", "soon tea", asker("en"), service)).toBe('"soon" is not a duration. Usage: /in <duration> <prompt>, with a duration like 90s, 10m, 1h30m or 1d.');
    expect(await handleJobCommand("tz", "Mars/Base", asker("zh-CN"), service)).toBe("未知时区“Mars/Base”：应为 IANA 名称，例如 Europe/Berlin 或 Asia/Shanghai。");
  });
});
