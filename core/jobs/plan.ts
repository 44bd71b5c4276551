import { Cron } from "croner";
import type { JobsConfig } from "../config-types.ts";
import type { JobSchedule } from "../store/jobs.ts";
import { cronError, firstRun, formatDuration, parseAt, parseDuration } from "./schedule.ts";

/** The commands that make a job, and what each expects (the one-line answer to bad input). */
export const jobUsage = {
  in: "/in <duration> <prompt>, with a duration like 90s, 10m, 1h30m or 1d",
  at: "/at <HH:MM | YYYY-MM-DD HH:MM> <prompt>",
  every: "/every <duration> <prompt>, with a duration like 10m, 1h or 1d",
  cron: '/cron "<minute hour day month weekday>" <prompt>, e.g. /cron "0 9 * * 1-5" stand-up notes',
  bg: "/bg <prompt>",
  hook: "/hook <prompt>",
} as const;

export type JobKind = keyof typeof jobUsage;

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
export function planJob(kind: JobKind, args: string, timezone: string, now: number, config: Pick<JobsConfig, "minIntervalMs">): PlanResult {
  const usage = `Usage: ${jobUsage[kind]}.`;
  const minimum = formatDuration(config.minIntervalMs);
  let schedule: JobSchedule;
  let prompt: string;
  switch (kind) {
    case "in":
    case "every": {
      const [when, rest] = firstWord(args);
      const intervalMs = parseDuration(when);
      if (intervalMs === undefined) return error(`${when ? `"${when}" is not a duration. ` : ""}${usage}`);
      if (kind === "every" && intervalMs < config.minIntervalMs) return error(`The shortest repeat is ${minimum}. ${usage}`);
      schedule = kind === "in" ? { type: "once", at: now + intervalMs } : { type: "every", intervalMs };
      prompt = rest;
      break;
    }
    case "at": {
      const parsed = parseAt(args, timezone, now);
      if ("error" in parsed) return error(`${parsed.error.charAt(0).toUpperCase()}${parsed.error.slice(1)}. ${usage}`);
      schedule = { type: "once", at: parsed.at };
      prompt = parsed.rest;
      break;
    }
    case "cron": {
      const split = splitCron(args);
      if (!split) return error(`Put the cron expression in quotes. ${usage}`);
      const problem = cronError(split[0]);
      if (problem) return error(`Not a cron expression: ${problem}. ${usage}`);
      if (cronGapMs(split[0], timezone, now) < config.minIntervalMs) return error(`The shortest repeat is ${minimum}. ${usage}`);
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
  if (!prompt) return error(`What should I do then? The prompt is missing. ${usage}`);
  return { type: "plan", plan: { schedule, prompt, nextRunAt: firstRun(schedule, timezone, now), isBackground: kind === "bg" } };
}
