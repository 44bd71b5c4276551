import { randomUUID } from "node:crypto";
import { checkDailyCaps } from "../budget.ts";
import type { JobsConfig } from "../config-types.ts";
import { pairingSubject } from "../pairing.ts";
import { decideAccess, needsPairingLookup, type Role } from "../policy.ts";
import { isShutdownAbort } from "../queue.ts";
import { respond } from "../responder.ts";
import { createAgentContext, recordUsage } from "../run-context.ts";
import { adapterFor, type StageDeps } from "../stages/deps.ts";
import { routeFor } from "../stages/prepare.ts";
import { errorPart, recordTurn, userMessage } from "../stages/settle.ts";
import { translate, type Locale } from "../i18n/catalogue.ts";
import { localeOfUser } from "../i18n/locale.ts";
import { newRef, type PreparedTurn } from "../stages/turn.ts";
import type { JobClaim, JobRecord, JobRunResult } from "../store/jobs.ts";
import type { AgentInput } from "../types/agent.ts";
import { channelOf, conversationKey } from "../types/conversation.ts";
import { toBridgeError } from "../types/errors.ts";
import type { Logger } from "../types/logger.ts";
import type { InboundMessage } from "../types/message.ts";
import { formatDuration, formatTime } from "./schedule.ts";

export interface JobRunDeps extends StageDeps {
  jobsConfig: JobsConfig;
}

/** How a run ended; `stopsJob`: the creator may no longer talk here, so the job runs no more. */
export type JobRunEnd = JobRunResult & { stopsJob?: boolean };

/** The creator's message as the policy sees it: addressed to the bot, in the job's chat. */
function creatorMessage(job: JobRecord, dueAt: number, locale: Locale): InboundMessage {
  const { inReplyTo: _inReplyTo, ...conversation } = job.conversation;
  return {
    id: `job:${job.id}:${dueAt}`,
    conversation,
    sender: { id: job.creatorRef.slice(channelOf(conversation).length + 1), displayName: job.creatorName, isBot: false, locale },
    sentAt: dueAt,
    segments: [{ type: "mention", userId: "", text: "", isSelf: true }, { type: "text", text: job.prompt }],
    attachments: [],
  };
}

/** The creator's role if they may still talk in the job's chat (a user removed from the allowlist stops their jobs). */
async function creatorRole(message: InboundMessage, deps: JobRunDeps): Promise<Role | undefined> {
  const isPaired = needsPairingLookup(message, deps.policy) && (await deps.store.pairing.find(pairingSubject(message)))?.approvedAt !== undefined;
  const access = decideAccess(message, deps.policy, isPaired);
  return access.type === "admit" ? access.role : undefined;
}

/** What one run carries from start to end: its keys, its audit run, and `end`, which records how it ended. */
interface JobRun {
  claim: JobClaim;
  keyBase: string;
  runId: string;
  ref: string;
  startedAt: number;
  log: Logger;
  message: InboundMessage;
  locale: Locale;
  end: (outcome: JobRunEnd["outcome"], detail?: string, tell?: string, extra?: Partial<JobRunEnd>) => Promise<JobRunEnd>;
}

/** Opens the run's audit record and returns the run with its `end`. */
async function startJobRun(claim: JobClaim, deps: JobRunDeps, logger: Logger): Promise<JobRun> {
  const { job, dueAt } = claim;
  const { store, delivery, now } = deps;
  const startedAt = now();
  const keyBase = `job:${job.id}:${dueAt}`;
  const to = job.conversation;
  const runId = randomUUID();
  const ref = newRef();
  // The creator's language as last seen: the run's notices, approvals and errors are in it.
  const locale = await localeOfUser(store.adapterState, job.creatorRef, deps.locale, now());
  const message = creatorMessage(job, dueAt, locale);
  await store.audit.startRun({
    ref: runId, conversationKey: conversationKey(to), sessionId: `job:${job.id}`, senderId: message.sender.id, agentId: "",
    inboxKeys: [keyBase], startedAt,
  });
  const end = async (outcome: JobRunEnd["outcome"], detail?: string, tell?: string, extra: Partial<JobRunEnd> = {}): Promise<JobRunEnd> => {
    if (tell) await delivery.send(`${keyBase}:note`, to, { type: "markdown", text: tell });
    await store.audit.recordEvent(runId, now(), "job", { job: job.id, dueAt, attempt: claim.attempt, outcome, ...(detail ? { detail } : {}) });
    await store.audit.finishRun(runId, outcome === "failed" ? "error" : "ok", now(), detail);
    return { dueAt, endedAt: now(), outcome, detail, ...extra };
  };
  return { claim, keyBase, runId, ref, startedAt, log: logger.child({ job: job.id, run: runId, ref }), message, locale, end };
}

/** The creator's role when the run may go ahead; otherwise how it ended (too many restarts, too late, no access, a cap). */
async function admitJobRun(run: JobRun, deps: JobRunDeps): Promise<Role | JobRunEnd> {
  const { job, dueAt } = run.claim;
  const { end, startedAt, locale } = run;
  const due = formatTime(dueAt, job.timezone);
  if (run.claim.attempt > 2) {
    return end("failed", "interrupted twice by a restart; not run again", translate(locale, "jobs.run.interrupted", { id: job.id, due }));
  }
  const lateMs = startedAt - dueAt;
  if (!job.isBackground && lateMs > deps.jobsConfig.catchupMs) {
    const why = `missed while Pincer was down (${formatDuration(lateMs)} late)`;
    return end("skipped", why, translate(locale, "jobs.run.missed", { id: job.id, due, timezone: job.timezone, catchup: formatDuration(deps.jobsConfig.catchupMs) }));
  }
  const role = await creatorRole(run.message, deps);
  if (!role) return end("skipped", `${job.creatorName} may no longer talk to the bot here`, undefined, { stopsJob: true });
  try {
    await checkDailyCaps(deps.store.usage, deps.budget, { userRef: job.creatorRef, conversationKey: conversationKey(job.conversation) }, startedAt);
  } catch (thrown) {
    const error = toBridgeError(thrown);
    if (error.code !== "budget-exceeded") throw error;
    return end("skipped", "daily cap reached", translate(locale, "jobs.run.capReached", { id: job.id, message: userMessage(error, locale) }));
  }
  return role;
}

/** The prepared turn of a run: the job's prompt in its own session, routed as the job's chat is. */
async function prepareJobTurn(run: JobRun, role: Role, deps: JobRunDeps): Promise<{ turn: PreparedTurn; agent: Awaited<ReturnType<typeof routeFor>>["agent"] }> {
  const { job, dueAt } = run.claim;
  const to = job.conversation;
  const { agent, route } = await routeFor(to, job.creatorRef, deps);
  const session = await deps.store.sessions.current(`job:${job.id}`, run.startedAt, deps.historyLimit);
  const input: AgentInput = { text: job.prompt, attachments: [], conversation: to, sender: run.message.sender, senderRole: role, images: [] };
  const turn: PreparedTurn = {
    runId: run.runId, ref: run.ref, conversationKey: conversationKey(to), inboxKeys: [run.keyBase], keyBase: run.keyBase, receivedAt: dueAt,
    startedAt: run.startedAt, to, input, route, session,
  };
  return { turn, agent };
}

/** How an answered run ended: over its token cap, stopped, parked, not sent yet, or delivered. */
async function answeredEnd(run: JobRun, deps: JobRunDeps, isStopped: boolean, tokens: number, isOverTokens: boolean): Promise<JobRunEnd> {
  const { job } = run.claim;
  const { end, locale } = run;
  if (isOverTokens) {
    const [used, max] = [tokens.toLocaleString("en-US"), deps.jobsConfig.maxTokensPerRun.toLocaleString("en-US")];
    const why = `stopped at ${used} tokens (PINCER_JOB_MAX_TOKENS is ${max})`;
    return end("failed", why, translate(locale, "jobs.run.tokenCap", { id: job.id, tokens: used, max }));
  }
  if (isStopped) return end("failed", "stopped", translate(locale, "jobs.run.stopped", { id: job.id }));
  const first = await deps.store.outbox.get(`${run.keyBase}:0`);
  if (first?.messageId?.startsWith("parked:")) return end("parked");
  if (first && first.status !== "sent") return end("failed", `not sent yet (${first.lastError ?? "the platform refused it"}); retrying`);
  return end("delivered");
}

/** How a run that threw ended: skipped at a cap, else failed with the error told in the chat. */
async function failedEnd(run: JobRun, deps: JobRunDeps, thrown: unknown): Promise<JobRunEnd> {
  const { job } = run.claim;
  const error = toBridgeError(thrown);
  const { locale } = run;
  if (error.code === "budget-exceeded") return run.end("skipped", "daily cap reached", translate(locale, "jobs.run.capReached", { id: job.id, message: userMessage(error, locale) }));
  run.log.error({ err: error }, "job run failed");
  deps.metrics.errors.inc({ code: error.code });
  const part = errorPart(error, run.ref, locale);
  await deps.delivery.send(`${run.keyBase}:error`, job.conversation, { ...part, message: translate(locale, "errors.job", { id: job.id, message: part.message }) });
  return run.end("failed", `${userMessage(error)} (ref ${run.ref})`);
}

/**
 * One run of a claimed job, as its creator (role, the chat's binding, approvals, daily caps) in the job's own
 * session; the answer goes through the outbox under keys of this run, so a re-run after a crash sends nothing twice.
 * Undefined when a shutdown cut it short: the claim stays, and the next start runs it again.
 */
export async function runJob(claim: JobClaim, deps: JobRunDeps, signal: AbortSignal, logger: Logger): Promise<JobRunEnd | undefined> {
  const run = await startJobRun(claim, deps, logger);
  const admitted = await admitJobRun(run, deps);
  if (typeof admitted !== "string") return admitted;
  const { turn, agent } = await prepareJobTurn(run, admitted, deps);
  const { input, to, keyBase } = turn;
  const { now } = deps;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  let tokens = 0;
  let isOverTokens = false;
  try {
    const context = createAgentContext(deps, { input, runRef: run.runId, session: turn.session, route: turn.route, signal: controller.signal, logger: run.log, now, locale: run.locale });
    const answer = await respond(
      {
        adapter: adapterFor(deps, to),
        delivery: deps.delivery,
        logger: run.log,
        locale: run.locale,
        onUsage: async (usage) => {
          await recordUsage(deps, input, usage, now());
          tokens += usage.inputTokens + usage.outputTokens;
          const max = deps.jobsConfig.maxTokensPerRun;
          if (max > 0 && tokens >= max && !isOverTokens) {
            isOverTokens = true;
            controller.abort(new Error("PINCER_JOB_MAX_TOKENS"));
          }
        },
      },
      to,
      keyBase,
      agent.run(input, context),
      controller.signal,
    );
    if (isShutdownAbort(signal)) return undefined;
    await recordTurn(turn, answer.text, deps);
    return await answeredEnd(run, deps, answer.isStopped, tokens, isOverTokens);
  } catch (thrown) {
    if (isShutdownAbort(signal)) return undefined;
    return await failedEnd(run, deps, thrown);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
