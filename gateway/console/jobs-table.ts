import { translate, type Locale, type MessageKey } from "../../core/i18n/catalogue.ts";
import type { JobRecord, JobSchedule } from "../../core/store/store.ts";
import { conversationKey } from "../../core/types/conversation.ts";
import { formatDuration, timeTag } from "./format.ts";
import { html, raw, type RawHtml } from "./html.ts";

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

function scheduleText(schedule: JobSchedule, t: T, locale: Locale): string {
  switch (schedule.type) {
    case "every":
      return t("console.jobs.every", { duration: formatDuration(schedule.intervalMs, locale) });
    case "cron":
      return t("console.jobs.cron", { expr: schedule.expr });
    case "hook":
      return t("console.jobs.hook");
    case "once":
      return t("console.jobs.once");
  }
}

const actionsFor = (job: Pick<JobRecord, "state">): ("pause" | "resume" | "cancel")[] =>
  job.state === "active" ? ["pause", "cancel"] : job.state === "paused" ? ["resume", "cancel"] : [];

/** Every chat's jobs with Pause, Resume and Cancel (through `POST /api/admin/jobs`), as the admin page had them. */
export function jobsTable(jobs: readonly Omit<JobRecord, "secretHash">[], locale: Locale): RawHtml {
  const t: T = (key, params) => translate(locale, key, params);
  const rows = jobs.map((job) => {
    const last = job.lastRun ? html`${timeTag(job.lastRun.dueAt)}: ${job.lastRun.outcome}${job.lastRun.detail ? ` (${job.lastRun.detail})` : ""}` : raw("");
    const buttons = actionsFor(job).map((action) => html`<button name="action" value="${action}">${t(`console.jobs.${action}`)}</button> `);
    const form = buttons.length === 0 ? raw("") : html`<form method="post" action="/api/admin/jobs" data-api="/api/admin/jobs"><input type="hidden" name="id" value="${job.id}">${buttons}</form>`;
    return html`<tr><td><code>${job.id}</code></td><td><code>${conversationKey(job.conversation)}</code></td><td>${job.creatorName}</td><td>${scheduleText(job.schedule, t, locale)}</td><td>${job.state}</td><td>${job.nextRunAt === undefined ? "" : timeTag(job.nextRunAt)}</td><td>${last}</td><td>${job.prompt.slice(0, 80)}</td><td>${form}</td></tr>`;
  });
  return html`<table id="jobs-table" data-live><thead><tr><th>${t("console.jobs.id")}</th><th>${t("console.jobs.chat")}</th><th>${t("console.jobs.by")}</th><th>${t("console.jobs.schedule")}</th><th>${t("console.jobs.state")}</th><th>${t("console.jobs.nextRun")}</th><th>${t("console.jobs.lastRun")}</th><th>${t("console.jobs.prompt")}</th><th></th></tr></thead>
<tbody id="jobs">${rows.length === 0 ? html`<tr><td colspan="9">${t("console.jobs.none")}</td></tr>` : rows}</tbody></table>`;
}
