import type { Role } from "../policy.ts";
import type { JobRecord, JobRunResult } from "../store/jobs.ts";
import { conversationKey, type ConversationRef } from "../types/conversation.ts";
import type { JobCommandName } from "../types/command.ts";
import { assertNever } from "../types/errors.ts";
import { jobUsage, type JobKind } from "./plan.ts";
import { describeSchedule, formatTime } from "./schedule.ts";
import type { JobService } from "./service.ts";

export { jobCommandNames, type JobCommandName } from "../types/command.ts";

/** What each job command does, for `/help`. */
export const jobCommandHelp: Record<JobCommandName, string> = {
  in: `${jobUsage.in}: run the prompt once, later`,
  at: `${jobUsage.at}: run it once at that local time`,
  every: `${jobUsage.every}: run it repeatedly`,
  cron: jobUsage.cron,
  bg: `${jobUsage.bg}: run it now in the background; the chat stays free`,
  hook: `${jobUsage.hook}: run it when its webhook is called`,
  jobs: "list this chat's jobs with their last outcome",
  cancel: "/cancel <id>: stop a job",
  pause: "/pause <id>: pause a job",
  resume: "/resume <id>: resume a paused job",
  tz: "/tz <IANA zone>: your time zone for /at, /cron and /jobs, e.g. /tz Asia/Shanghai",
};

/** A run's outcome in words, as `/jobs` shows it. */
export function outcomeText(run: JobRunResult): string {
  switch (run.outcome) {
    case "delivered":
      return "delivered";
    case "parked":
      return "waiting for your next message (this platform allows replies only then)";
    case "failed":
      return `failed: ${run.detail ?? "unknown error"}`;
    case "skipped":
      return `skipped: ${run.detail ?? "not run"}`;
    default:
      return assertNever(run.outcome);
  }
}

function quote(prompt: string): string {
  const line = prompt.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

export function jobLine(job: JobRecord, timezone: string): string {
  const parts = [`${job.id}`, describeSchedule(job.schedule, timezone, job.isBackground)];
  if (job.state === "paused") parts.push("paused");
  else if (job.state === "finished" || job.state === "cancelled") parts.push(job.state);
  else if (job.nextRunAt !== undefined && job.schedule.type !== "once") parts.push(`next ${formatTime(job.nextRunAt, timezone)}`);
  if (job.lastRun) parts.push(`last ${formatTime(job.lastRun.dueAt, timezone)}: ${outcomeText(job.lastRun)}`);
  return `${parts.join(" · ")} — "${quote(job.prompt)}" (${job.creatorName})`;
}

/** `/jobs`: the chat's jobs, times in the asker's zone. */
export function jobsList(jobs: readonly JobRecord[], timezone: string): string {
  if (jobs.length === 0) return "No jobs in this chat. Start one with /in, /at, /every, /cron or /bg (see /help).";
  return [`Jobs in this chat (times in ${timezone}):`, ...jobs.map((job) => jobLine(job, timezone))].join("\n");
}

export interface JobAsker {
  conversation: ConversationRef;
  userRef: string;
  displayName: string;
  role: Role;
}

/** The answer to a job command; like control commands, these never reach the agent. */
export async function handleJobCommand(name: JobCommandName, args: string, asker: JobAsker, service: JobService): Promise<string> {
  const key = conversationKey(asker.conversation);
  switch (name) {
    case "jobs":
      return jobsList(await service.list(key), await service.timezoneOf(asker.userRef));
    case "cancel":
    case "pause":
    case "resume": {
      const id = args.trim().split(/\s+/)[0] ?? "";
      if (!/^[a-z0-9]{4,6}$/i.test(id)) return `Usage: /${name} <id>, with an id from /jobs.`;
      return service.change(id, name, { userRef: asker.userRef, role: asker.role, conversationKey: key });
    }
    case "tz":
      return service.setTimezone(asker.userRef, args.trim());
    case "in":
    case "at":
    case "every":
    case "cron":
    case "bg":
    case "hook": {
      const created = await service.create(asker, name satisfies JobKind, args);
      return created.type === "created" ? created.text : created.message;
    }
    default:
      return assertNever(name);
  }
}
