import { Cron } from "croner";
import type { JobsConfig } from "../config-types.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "../i18n/catalogue.ts";
import type { JobSchedule } from "../store/jobs.ts";
import { renderText } from "../types/errors.ts";
import { cronError, firstRun, formatDuration, parseAt, parseDuration } from "./schedule.ts";

/** The commands that make a job. */
export const jobKinds = ["in", "at", "every", "cron", "bg", "hook"] as const;
export type JobKind = (typeof jobKinds)[number];

/** What a job command expects (the one-line answer to bad input), in `locale`. */
export const jobUsage = (kind: JobKind, locale: Locale = "en"): string => translate(locale, `jobs.usage.${kind}`);

/** A job ready to store: when it runs first, what it runs. */
export interface JobPlan {
  schedule: JobSchedule;
  prompt: string;
  nextRunAt: number | undefined;
  isBackground: boolean;
}

export type PlanResult = { type: "plan"; plan: JobPlan } | { type: "error"; message: string };

const error = (message: string): PlanResult => ({ type: "error", message });

function firstWord(args: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(args.trim());
  return match ? [match[1]!, match[2]!.trim()] : ["", ""];
}

/** A cron expression in quotes (the 5 fields have spaces), then the prompt. */
function splitCron(args: string): [string, string] | undefined {
  const match = /^(["'“”])([^"'“”]*)["'“”]\s*([\s\S]*)$/.exec(args.trim());
  return match ? [match[2]!.trim(), match[3]!.trim()] : undefined;
}

/** The shortest gap between a cron expression's next runs (a sample of them). */
function cronGapMs(expr: string, timezone: string, now: number): number {
  const runs = new Cron(expr, { paused: true, timezone }).nextRuns(6, new Date(now)).map((date) => date.getTime());
  let gap = Number.POSITIVE_INFINITY;
  for (let index = 1; index < runs.length; index += 1) gap = Math.min(gap, runs[index]! - runs[index - 1]!);
  return gap;
}

/**
 * Reads a job command's arguments (`/in`, `/at`, `/every`, `/cron`, `/bg`, `/hook`; the `schedule` tool too)
 * into a plan, or a one-line error that says what is expected. Nothing is stored here.
 */
export function planJob(kind: JobKind, args: string, timezone: string, now: number, config: Pick<JobsConfig, "minIntervalMs">, locale: Locale = "en"): PlanResult {
  const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
  const usage = t("jobs.plan.usage", { usage: jobUsage(kind, locale) });
  const minimum = formatDuration(config.minIntervalMs);
  let schedule: JobSchedule;
  let prompt: string;
  switch (kind) {
    case "in":
    case "every": {
      const [when, rest] = firstWord(args);
      const intervalMs = parseDuration(when);
      if (intervalMs === undefined) return error(`${when ? t("jobs.plan.notDuration", { when }) : ""}${usage}`);
      if (kind === "every" && intervalMs < config.minIntervalMs) return error(t("jobs.plan.shortest", { minimum, usage }));
      schedule = kind === "in" ? { type: "once", at: now + intervalMs } : { type: "every", intervalMs };
      prompt = rest;
      break;
    }
    case "at": {
      const parsed = parseAt(args, timezone, now);
      if ("error" in parsed) return error(t("jobs.plan.badAt", { problem: renderText(locale, parsed.error), usage }));
      schedule = { type: "once", at: parsed.at };
      prompt = parsed.rest;
      break;
    }
    case "cron": {
      const split = splitCron(args);
      if (!split) return error(t("jobs.plan.quoteCron", { usage }));
      const problem = cronError(split[0]);
      if (problem) return error(t("jobs.plan.badCron", { problem, usage }));
      if (cronGapMs(split[0], timezone, now) < config.minIntervalMs) return error(t("jobs.plan.shortest", { minimum, usage }));
      schedule = { type: "cron", expr: split[0].replace(/\s+/g, " ") };
      prompt = split[1];
      break;
    }
    case "bg":
      schedule = { type: "once", at: now };
      prompt = args.trim();
      break;
    case "hook":
      schedule = { type: "hook" };
      prompt = args.trim();
      break;
  }
  if (!prompt) return error(t("jobs.plan.noPrompt", { usage }));
  return { type: "plan", plan: { schedule, prompt, nextRunAt: firstRun(schedule, timezone, now), isBackground: kind === "bg" } };
}
