import { translate, type Locale } from "../i18n/catalogue.ts";
import type { LocalizedText } from "../types/errors.ts";
import { Cron } from "croner";
import type { JobSchedule } from "../store/jobs.ts";

const durationPattern = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i;

/** `90s`, `10m`, `1h30m`, `1d` in milliseconds; undefined for anything else (and for zero). */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (!match || !text.trim()) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** `1h30m` for 5,400,000 ms: the largest units first. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("") || "0s";
}

export function isTimezone(name: string): boolean {
  if (!name || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The host's zone, for when neither the user nor `PINCER_TIMEZONE` names one. */
export function hostTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** A cron expression's error in words, or undefined when croner takes it (5 fields only). */
export function cronError(expr: string): string | undefined {
  if (expr.trim().split(/\s+/).length !== 5) return "a cron expression has 5 fields: minute hour day-of-month month day-of-week";
  try {
    new Cron(expr, { paused: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error);
  }
}

/** The first time after `after` that a cron expression matches in `timezone`. */
function nextCron(expr: string, timezone: string, after: number): number | undefined {
  return new Cron(expr, { paused: true, timezone }).nextRun(new Date(after))?.getTime();
}

/**
 * The run after the one due at `dueAt`, later than `now`: a repeat never stacks, so the times that passed
 * while a run went on (or Pincer was down) are skipped. Undefined for a one-off.
 */
export function nextRunAfter(schedule: JobSchedule, timezone: string, dueAt: number, now: number): number | undefined {
  switch (schedule.type) {
    case "once":
    case "hook":
      return undefined;
    case "every": {
      const next = dueAt + schedule.intervalMs;
      return next > now ? next : next + Math.ceil((now - next + 1) / schedule.intervalMs) * schedule.intervalMs;
    }
    case "cron":
      return nextCron(schedule.expr, timezone, Math.max(dueAt, now));
  }
}

/** Runs due between `dueAt` (exclusive) and `nextRunAt` (exclusive) that were skipped. */
export function skippedBetween(schedule: JobSchedule, dueAt: number, nextRunAt: number | undefined): number {
  if (schedule.type !== "every" || nextRunAt === undefined) return 0;
  return Math.max(0, Math.round((nextRunAt - dueAt) / schedule.intervalMs) - 1);
}

/** The first run of a new repeating job: one interval from now, or the cron's next match. */
export function firstRun(schedule: JobSchedule, timezone: string, now: number): number | undefined {
  switch (schedule.type) {
    case "once":
      return schedule.at;
    case "every":
      return now + schedule.intervalMs;
    case "cron":
      return nextCron(schedule.expr, timezone, now);
    case "hook":
      return undefined;
  }
}

const timePattern = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `/at`'s time: `HH:MM` (today in `timezone`, or tomorrow once passed) or `YYYY-MM-DD HH:MM`; the words that
 * follow are the prompt. An error sentence when the time is not one.
 */
export function parseAt(args: string, timezone: string, now: number): { at: number; rest: string } | { error: LocalizedText } {
  const words = args.trim().split(/\s+/);
  const hasDate = datePattern.test(words[0] ?? "");
  const time = hasDate ? words[1] : words[0];
  const rest = words.slice(hasDate ? 2 : 1).join(" ");
  const clock = timePattern.exec(time ?? "");
  if (!clock) return { error: { key: "jobs.at.badTime" } };
  const [hours, minutes] = [Number(clock[1]), Number(clock[2])];
  if (!hasDate) return { at: nextCron(`${minutes} ${hours} * * *`, timezone, now)!, rest };
  const [, year, month, day] = datePattern.exec(words[0]!)!;
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day)) return { error: { key: "jobs.at.badDate", params: { date: words[0]! } } };
  const local = `${year}-${month}-${day}T${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}:00`;
  const at = new Cron(local, { paused: true, timezone }).nextRun(new Date(now - 1))?.getTime();
  if (at === undefined || at <= now) return { error: { key: "jobs.at.passed", params: { date: words[0]!, time: time ?? "" } } };
  return { at, rest };
}

/** `2026-12-24 18:00` in `timezone`. */
export function formatTime(at: number, timezone: string): string {
  return createTimeFormatter(timezone)(at);
}

/**
 * `formatTime` for many times in one zone: building the `Intl.DateTimeFormat` costs about 0.1 ms, formatting with it
 * a few microseconds (the console's Jobs page formats two or three times per job).
 */
export function createTimeFormatter(timezone: string): (at: number) => string {
  const format = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  return (at) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((part) => [part.type, part.value]));
    const seconds = parts.second === "00" ? "" : `:${parts.second}`;
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${seconds}`;
  };
}

/** The schedule in words, for `/jobs`. */
export function describeSchedule(schedule: JobSchedule, timezone: string, isBackground: boolean, locale: Locale = "en"): string {
  switch (schedule.type) {
    case "once":
      return isBackground ? translate(locale, "jobs.schedule.background") : translate(locale, "jobs.schedule.once", { time: formatTime(schedule.at, timezone) });
    case "every":
      return translate(locale, "jobs.schedule.every", { interval: formatDuration(schedule.intervalMs) });
    case "cron":
      return translate(locale, "jobs.schedule.cron", { expr: schedule.expr, timezone });
    case "hook":
      return translate(locale, "jobs.schedule.hook");
  }
}
