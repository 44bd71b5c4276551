import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "../../core/i18n/catalogue.ts";
import { createTimeFormatter, formatDuration } from "../../core/jobs/schedule.ts";
import type { JobRecord } from "../../core/store/jobs.ts";
import { conversationKey } from "../../core/types/conversation.ts";
import { html, raw, type RawHtml } from "./html.ts";
import { consolePage } from "./layout.ts";

type Action = "pause" | "resume" | "cancel" | "run";

const pageStyle = `
  .actions { display: flex; gap: .3rem; flex-wrap: wrap; }
  .prompt { max-width: 22rem; overflow-wrap: anywhere; }
  .state-paused { color: #a06000; } .state-cancelled, .state-finished { opacity: .7; }
  .failed, .skipped { color: #c03020; }
  #job-status:empty { display: none; }
`;

/** Posts the action to the JSON API, then reloads; a refusal is shown above the table. */
const script = `
const status = document.getElementById("job-status");
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  button.disabled = true;
  try {
    const response = await fetch("/api/admin/jobs", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: button.dataset.job, action: button.dataset.action }) });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || response.statusText);
    window.location.reload();
  } catch (error) {
    status.textContent = status.dataset.prefix + " " + error.message;
    button.disabled = false;
  }
});
`;

function actionsFor(job: JobRecord): Action[] {
  switch (job.state) {
    case "active":
      return ["run", "pause", "cancel"];
    case "paused":
      return ["run", "resume", "cancel"];
    case "finished":
      return ["run"];
    case "cancelled":
      return [];
  }
}

/** Times in a job's zone, one formatter per zone for the whole page. */
type FormatTime = (at: number, timezone: string) => string;

function createPageTimes(): FormatTime {
  const formatters = new Map<string, (at: number) => string>();
  return (at, timezone) => {
    let format = formatters.get(timezone);
    if (!format) {
      format = createTimeFormatter(timezone);
      formatters.set(timezone, format);
    }
    return format(at);
  };
}

function scheduleText(job: JobRecord, t: (key: MessageKey, params?: MessageParams) => string, formatTime: FormatTime): string {
  const { schedule } = job;
  switch (schedule.type) {
    case "once":
      return job.isBackground ? t("jobsPage.schedule.background") : t("jobsPage.schedule.once", { time: formatTime(schedule.at, job.timezone) });
    case "every":
      return t("jobsPage.schedule.every", { duration: formatDuration(schedule.intervalMs) });
    case "cron":
      return t("jobsPage.schedule.cron", { expr: schedule.expr });
    case "hook":
      return t("jobsPage.schedule.hook");
  }
}

const trimmed = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function jobRow(job: JobRecord, locale: Locale, formatTime: FormatTime): RawHtml {
  const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
  const next = job.nextRunAt === undefined ? t("common.never") : `${formatTime(job.nextRunAt, job.timezone)} (${job.timezone})`;
  const last = job.lastRun
    ? html`${formatTime(job.lastRun.endedAt, job.timezone)}<br><span class="${job.lastRun.outcome}">${t(`jobsPage.outcome.${job.lastRun.outcome}`)}</span>${job.lastRun.detail ? html`<br><span class="muted">${trimmed(job.lastRun.detail, 200)}</span>` : html``}`
    : html`<span class="muted">${t("common.never")}</span>`;
  const buttons = actionsFor(job).map(
    (action) =>
      html`<button type="button" data-job="${job.id}" data-action="${action}"${action === "cancel" ? html` data-confirm="${t("jobsPage.confirmCancel", { id: job.id })}"` : html``}>${t(`jobsPage.action.${action}`)}</button>`,
  );
  return html`<tr data-job="${job.id}">
<td><code>${job.id}</code></td>
<td class="prompt" title="${trimmed(job.prompt, 2000)}">${trimmed(job.prompt, 160)}</td>
<td>${scheduleText(job, t, formatTime)}</td>
<td>${job.creatorName}<br><span class="muted">${job.creatorRef}</span></td>
<td>${conversationKey(job.conversation)}</td>
<td class="state-${job.state}">${t(`jobsPage.state.${job.state}`)}</td>
<td>${next}</td>
<td>${last}</td>
<td class="num">${job.runCount}</td>
<td><div class="actions">${buttons}</div></td>
</tr>`;
}

/** The Jobs page: every job with its schedule, owner, chat, next and last run; pause, resume, cancel, run now. */
export function jobsPage(jobs: readonly JobRecord[], locale: Locale): HtmlPage {
  const t = (key: MessageKey) => translate(locale, key);
  const formatTime = createPageTimes();
  const columns = (["id", "prompt", "schedule", "owner", "chat", "state", "next", "last", "runs", "actions"] as const).map((column) => html`<th>${t(`jobsPage.col.${column}`)}</th>`);
  const body =
    jobs.length === 0
      ? html`<p class="muted">${t("jobsPage.none")}</p>`
      : html`<style>${raw(pageStyle)}</style>
<p id="job-status" class="error" role="alert" data-prefix="${t("jobsPage.actionFailed")}"></p>
<p class="muted">${t("jobsPage.times")}</p>
<table><thead><tr>${columns}</tr></thead><tbody>${jobs.map((job) => jobRow(job, locale, formatTime))}</tbody></table>`;
  return consolePage({ locale, section: "jobs", body, scripts: jobs.length === 0 ? [] : [script] });
}
