import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { untrusted } from "../untrusted.ts";
import type { JobsConfig } from "../config-types.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "../i18n/catalogue.ts";
import type { Role } from "../policy.ts";
import type { JobRecord, JobStore } from "../store/jobs.ts";
import type { ConversationRef } from "../types/conversation.ts";
import { conversationKey } from "../types/conversation.ts";
import { planJob, type JobKind } from "./plan.ts";
import { describeSchedule, firstRun, formatTime, isTimezone } from "./schedule.ts";

/** Who asks for a job, and where its answers go. */
export interface JobOwner {
  conversation: ConversationRef;
  userRef: string;
  displayName: string;
  role: Role;
}

export type JobAction = "cancel" | "pause" | "resume";

export interface JobServiceDeps {
  jobs: JobStore;
  config: JobsConfig;
  /** The scheduler looks at the store again (a job was added or resumed). */
  wake(): void;
  now?: () => number;
}

export type Created = { type: "created"; job: JobRecord; secret: string | undefined; text: string } | { type: "error"; message: string };

const idAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
const newJobId = () => Array.from({ length: 5 }, () => idAlphabet[randomInt(idAlphabet.length)]).join("");

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

const canManageAll = (role: Role) => role === "owner" || role === "admin";

/** The rules of jobs, shared by the chat commands, the `schedule` tool and the admin API. */
export interface JobService {
  timezoneOf(userRef: string): Promise<string>;
  setTimezone(userRef: string, name: string, locale?: Locale): Promise<string>;
  /** `locale`: the language of the answer (and of the error), English by default. */
  create(owner: JobOwner, kind: JobKind, args: string, locale?: Locale): Promise<Created>;
  /** A chat's jobs, or every job (the admin). */
  list(conversationKey?: string): Promise<JobRecord[]>;
  /**
   * `POST /api/hooks/<id>` with the job's secret: one run now, with `payload` added to the prompt as untrusted
   * text. Undefined when the secret does not match (or there is no such job).
   */
  trigger(id: string, secret: string, payload: string): Promise<{ type: "started"; runId: string } | { type: "refused"; reason: string } | undefined>;
  /**
   * The admin's "run now": one run of the job at once, as a one-off copy (the job's own schedule is left as it is).
   * Undefined when there is no such job; refused when it was cancelled.
   */
  runNow(id: string): Promise<{ type: "started"; runId: string } | { type: "refused"; reason: string } | undefined>;
  /** Cancels, pauses or resumes a job of this chat (its creator or an admin; an admin anywhere). */
  change(id: string, action: JobAction, actor: { userRef: string; role: Role; conversationKey: string | undefined }, locale?: Locale): Promise<string>;
}

/** The service's dependencies with the defaults filled in. */
interface JobServiceContext {
  jobs: JobStore;
  config: JobsConfig;
  wake(): void;
  now: () => number;
}

const timezoneOf = async (ctx: JobServiceContext, userRef: string) => (await ctx.jobs.timezone(userRef)) ?? ctx.config.timezone;

async function setTimezone(ctx: JobServiceContext, userRef: string, name: string, locale: Locale): Promise<string> {
  if (!name) return translate(locale, "jobs.tz.current", { timezone: await timezoneOf(ctx, userRef) });
  if (!isTimezone(name)) return translate(locale, "jobs.tz.unknown", { name });
  const canonical = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  await ctx.jobs.setTimezone(userRef, canonical, ctx.now());
  return translate(locale, "jobs.tz.set", { timezone: canonical });
}

/** Stores a job under a fresh id, drawing another when the id is taken (up to three times). */
async function insertJob(jobs: JobStore, job: JobRecord): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await jobs.create(job);
      return;
    } catch (error) {
      if (attempt >= 3 || (await jobs.get(job.id)) === undefined) throw error;
      job.id = newJobId();
    }
  }
}

async function createJob(ctx: JobServiceContext, owner: JobOwner, kind: JobKind, args: string, locale: Locale): Promise<Created> {
  const { jobs, config } = ctx;
  const at = ctx.now();
  const timezone = await timezoneOf(ctx, owner.userRef);
  const planned = planJob(kind, args, timezone, at, config, locale);
  if (planned.type === "error") return { type: "error", message: planned.message };
  if (config.maxJobsPerUser > 0 && !planned.plan.isBackground && (await jobs.countOpen(owner.userRef)) >= config.maxJobsPerUser) {
    return { type: "error", message: translate(locale, "jobs.tooMany", { max: config.maxJobsPerUser }) };
  }
  const { plan } = planned;
  const secret = plan.schedule.type === "hook" ? randomBytes(24).toString("base64url") : undefined;
  // A scheduled answer is a new message in the chat; a background run's answers the message that asked (mentioning the asker).
  const { inReplyTo: _inReplyTo, ...chat } = owner.conversation;
  const job: JobRecord = {
    id: newJobId(),
    conversation: plan.isBackground ? owner.conversation : chat,
    creatorRef: owner.userRef,
    creatorName: owner.displayName,
    prompt: plan.prompt,
    schedule: plan.schedule,
    timezone,
    state: "active",
    nextRunAt: plan.nextRunAt,
    isBackground: plan.isBackground,
    secretHash: secret && hashSecret(secret),
    createdAt: at,
    lastRun: undefined,
    runCount: 0,
  };
  await insertJob(jobs, job);
  ctx.wake();
  return { type: "created", job, secret, text: createdText(job, secret, locale) };
}

async function triggerJob(ctx: JobServiceContext, id: string, secret: string, payload: string): ReturnType<JobService["trigger"]> {
  const job = /^[a-z0-9]{4,6}$/.test(id) ? await ctx.jobs.get(id) : undefined;
  if (!job?.secretHash || !secret) return undefined;
  const [given, kept] = [Buffer.from(hashSecret(secret), "hex"), Buffer.from(job.secretHash, "hex")];
  if (given.length !== kept.length || !timingSafeEqual(given, kept)) return undefined;
  if (job.state !== "active") return { type: "refused", reason: `job ${job.id} is ${job.state}` };
  return startOneOff(ctx, job, payload ? `${job.prompt}\n\n${untrusted(`webhook of job ${job.id}`, payload)}` : job.prompt);
}

/** One run of `job` now, with `prompt`: a one-off copy under a new id, which the scheduler claims at once. */
async function startOneOff(ctx: JobServiceContext, job: JobRecord, prompt: string): Promise<{ type: "started"; runId: string }> {
  const at = ctx.now();
  const run: JobRecord = {
    ...job,
    id: newJobId(),
    prompt,
    schedule: { type: "once", at },
    state: "active",
    nextRunAt: at,
    secretHash: undefined,
    createdAt: at,
    lastRun: undefined,
    runCount: 0,
  };
  await insertJob(ctx.jobs, run);
  ctx.wake();
  return { type: "started", runId: run.id };
}

async function runJobNow(ctx: JobServiceContext, id: string): ReturnType<JobService["runNow"]> {
  const job = /^[a-z0-9]{4,6}$/i.test(id) ? await ctx.jobs.get(id.toLowerCase()) : undefined;
  if (!job) return undefined;
  if (job.state === "cancelled") return { type: "refused", reason: `job ${job.id} is ${job.state}` };
  return startOneOff(ctx, job, job.prompt);
}

async function changeJob(ctx: JobServiceContext, id: string, action: JobAction, actor: Parameters<JobService["change"]>[2], locale: Locale): Promise<string> {
  const { jobs } = ctx;
  const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
  const job = await jobs.get(id.toLowerCase());
  const isHere = job !== undefined && (actor.conversationKey === undefined || conversationKey(job.conversation) === actor.conversationKey);
  if (!job || (!isHere && !canManageAll(actor.role))) return t("jobs.notHere", { id });
  if (job.creatorRef !== actor.userRef && !canManageAll(actor.role)) return t("jobs.notYours", { id: job.id, creator: job.creatorName });
  if (job.state === "finished" || job.state === "cancelled") return t("jobs.alreadyEnded", { id: job.id, state: t(`jobs.state.${job.state}`) });
  const at = ctx.now();
  switch (action) {
    case "cancel":
      await jobs.setState(job.id, "cancelled", undefined, at);
      return t("jobs.cancelled", { id: job.id });
    case "pause":
      if (job.state === "paused") return t("jobs.alreadyPaused", { id: job.id });
      await jobs.setState(job.id, "paused", undefined, at);
      return t("jobs.paused", { id: job.id });
    case "resume": {
      if (job.state === "active") return t("jobs.notPaused", { id: job.id });
      // A one-off whose time passed while it was paused runs now.
      const next = job.schedule.type === "once" ? Math.max(job.schedule.at, at) : firstRun(job.schedule, job.timezone, at);
      await jobs.setState(job.id, "active", next, at);
      ctx.wake();
      return next === undefined ? t("jobs.resumed", { id: job.id }) : t("jobs.resumedNext", { id: job.id, time: formatTime(next, job.timezone), timezone: job.timezone });
    }
  }
}

export function createJobService(deps: JobServiceDeps): JobService {
  const ctx: JobServiceContext = { jobs: deps.jobs, config: deps.config, wake: () => deps.wake(), now: deps.now ?? Date.now };
  return {
    timezoneOf: (userRef) => timezoneOf(ctx, userRef),
    setTimezone: (userRef, name, locale = "en") => setTimezone(ctx, userRef, name, locale),
    create: (owner, kind, args, locale = "en") => createJob(ctx, owner, kind, args, locale),
    trigger: (id, secret, payload) => triggerJob(ctx, id, secret, payload),
    runNow: (id) => runJobNow(ctx, id),
    list: (key) => deps.jobs.list(key === undefined ? {} : { conversationKey: key }),
    change: (id, action, actor, locale = "en") => changeJob(ctx, id, action, actor, locale),
  };
}

function createdText(job: JobRecord, secret: string | undefined, locale: Locale): string {
  if (job.isBackground) return translate(locale, "jobs.created.background", { id: job.id });
  const when = describeSchedule(job.schedule, job.timezone, false, locale);
  const next = job.nextRunAt === undefined || job.schedule.type === "once"
    ? translate(locale, "jobs.created.zone", { timezone: job.timezone })
    : translate(locale, "jobs.created.next", { time: formatTime(job.nextRunAt, job.timezone), timezone: job.timezone });
  const hook = secret ? translate(locale, "jobs.created.hook", { id: job.id, secret }) : "";
  return translate(locale, "jobs.created.scheduled", { id: job.id, when, next, hook });
}
