import { translate, type Locale } from "../i18n/catalogue.ts";
import type { Role } from "../policy.ts";
import type { JobRecord, JobRunResult } from "../store/jobs.ts";
import { conversationKey, type ConversationRef } from "../types/conversation.ts";
import type { JobCommandName } from "../types/command.ts";
import { assertNever } from "../types/errors.ts";
import { jobUsage, type JobKind } from "./plan.ts";
import { describeSchedule, formatTime } from "./schedule.ts";
import type { JobService } from "./service.ts";

export { jobCommandNames, type JobCommandName } from "../types/command.ts";

/** What a job command does, for `/help`, in `locale`. */
export function jobCommandHelpText(name: JobCommandName, locale: Locale = "en"): string {
  switch (name) {
    case "in":
    case "at":
    case "every":
    case "bg":
    case "hook":
      return translate(locale, `jobs.help.${name}`, { usage: jobUsage(name, locale) });
    case "cron":
      return jobUsage("cron", locale);
    case "jobs":
    case "cancel":
    case "pause":
    case "resume":
    case "tz":
      return translate(locale, `jobs.help.${name}`);
    default:
      return assertNever(name);
  }
}

/** A run's outcome in words, as `/jobs` shows it. */
export function outcomeText(run: JobRunResult, locale: Locale = "en"): string {
  switch (run.outcome) {
    case "delivered":
      return translate(locale, "jobs.outcome.delivered");
    case "parked":
      return translate(locale, "jobs.outcome.parked");
    case "failed":
      return translate(locale, "jobs.outcome.failed", { detail: run.detail ?? translate(locale, "jobs.outcome.unknownError") });
    case "skipped":
      return translate(locale, "jobs.outcome.skipped", { detail: run.detail ?? translate(locale, "jobs.outcome.notRun") });
    default:
      return assertNever(run.outcome);
  }
}

function quote(prompt: string): string {
  const line = prompt.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

export function jobLine(job: JobRecord, timezone: string, locale: Locale = "en"): string {
  const parts = [`${job.id}`, describeSchedule(job.schedule, timezone, job.isBackground, locale)];
  if (job.state === "paused" || job.state === "finished" || job.state === "cancelled") parts.push(translate(locale, `jobs.state.${job.state}`));
  else if (job.nextRunAt !== undefined && job.schedule.type !== "once") parts.push(translate(locale, "jobs.line.next", { time: formatTime(job.nextRunAt, timezone) }));
  if (job.lastRun) parts.push(translate(locale, "jobs.line.last", { time: formatTime(job.lastRun.dueAt, timezone), outcome: outcomeText(job.lastRun, locale) }));
  return `${parts.join(" · ")} — "${quote(job.prompt)}" (${job.creatorName})`;
}

/** `/jobs`: the chat's jobs, times in the asker's zone. */
export function jobsList(jobs: readonly JobRecord[], timezone: string, locale: Locale = "en"): string {
  if (jobs.length === 0) return translate(locale, "jobs.list.empty");
  return [translate(locale, "jobs.list.title", { timezone }), ...jobs.map((job) => jobLine(job, timezone, locale))].join("\n");
}

export interface JobAsker {
  conversation: ConversationRef;
  userRef: string;
  displayName: string;
  role: Role;
  /** The language of the answers. */
  locale?: Locale;
}

/** The answer to a job command; like control commands, these never reach the agent. */
export async function handleJobCommand(name: JobCommandName, args: string, asker: JobAsker, service: JobService): Promise<string> {
  const key = conversationKey(asker.conversation);
  const locale = asker.locale ?? "en";
  switch (name) {
    case "jobs":
      return jobsList(await service.list(key), await service.timezoneOf(asker.userRef), locale);
    case "cancel":
    case "pause":
    case "resume": {
      const id = args.trim().split(/\s+/)[0] ?? "";
      if (!/^[a-z0-9]{4,6}$/i.test(id)) return translate(locale, "jobs.idUsage", { name });
      return service.change(id, name, { userRef: asker.userRef, role: asker.role, conversationKey: key }, locale);
    }
    case "tz":
      return service.setTimezone(asker.userRef, args.trim(), locale);
    case "in":
    case "at":
    case "every":
    case "cron":
    case "bg":
    case "hook": {
      const created = await service.create(asker, name satisfies JobKind, args, locale);
      return created.type === "created" ? created.text : created.message;
    }
    default:
      return assertNever(name);
  }
}
