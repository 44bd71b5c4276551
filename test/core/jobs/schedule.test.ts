import { describe, expect, it } from "vitest";
import { planJob } from "../../../core/jobs/plan.ts";
import { formatDuration, nextRunAfter, parseAt, parseDuration } from "../../../core/jobs/schedule.ts";

const now = Date.UTC(2026, 11, 6, 10, 0); // 10:00 UTC = 18:00 in Shanghai

describe("job times", () => {
  it("reads durations like 90s, 10m, 1h30m and 1d, and nothing else", () => {
    expect([parseDuration("90s"), parseDuration("10m"), parseDuration("1h30m"), parseDuration("1d")]).toEqual([90_000, 600_000, 5_400_000, 86_400_000]);
    for (const bad of ["0s", "", "1x", "h", "1.5h", "-1m", "1m1h"]) expect(parseDuration(bad), bad).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe("1h30m");
  });

  it("reads /at in the user's zone: today, or tomorrow once passed; a date as given", () => {
    expect(parseAt("19:30 x", "Asia/Shanghai", now)).toEqual({ at: Date.UTC(2026, 11, 6, 11, 30), rest: "x" });
    expect(parseAt("09:30 x", "Asia/Shanghai", now)).toEqual({ at: Date.UTC(2026, 11, 7, 1, 30), rest: "x" });
    expect(parseAt("2026-12-24 18:00 party", "Europe/Berlin", now)).toEqual({ at: Date.UTC(2026, 11, 24, 17, 0), rest: "party" });
    expect(parseAt("25:00 x", "UTC", now)).toHaveProperty("error");
  });

  it("moves a repeat past the times that went by, and reads cron in the job's zone", () => {
    expect(nextRunAfter({ type: "every", intervalMs: 60_000 }, "UTC", now, now + 1000)).toBe(now + 60_000);
    expect(nextRunAfter({ type: "every", intervalMs: 60_000 }, "UTC", now, now + 150_000)).toBe(now + 180_000);
    expect(nextRunAfter({ type: "cron", expr: "0 9 * * 1-5" }, "Asia/Shanghai", now, now)).toBe(Date.UTC(2026, 11, 7, 1, 0));
    expect(nextRunAfter({ type: "once", at: now }, "UTC", now, now)).toBeUndefined();
  });

  it("refuses a cron that repeats faster than the shortest interval", () => {
    expect(planJob("cron", '"* * * * *" x', "UTC", now, { minIntervalMs: 120_000 })).toMatchObject({ type: "error", message: expect.stringMatching(/^The shortest repeat is 2m/) });
    expect(planJob("cron", '"*/5 * * * *" x', "UTC", now, { minIntervalMs: 120_000 })).toMatchObject({ type: "plan" });
  });
});
