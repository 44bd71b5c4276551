import { turnText } from "../prompt-text.ts";
import { isShutdownAbort } from "../queue.ts";
import type { Locale } from "../i18n/catalogue.ts";
import { toBridgeError, userMessage, type BridgeError } from "../types/errors.ts";
import type { ReplyPart } from "../types/reply.ts";
import type { Logger } from "../types/logger.ts";
import { localeOf, type StageDeps } from "./deps.ts";
import type { PreparedTurn, Turn, TurnOutcome } from "./turn.ts";

export { userMessage } from "../types/errors.ts";

/** An error as a reply part, in the reader's language. */
export function errorPart(error: BridgeError, ref: string, locale: Locale): Extract<ReplyPart, { type: "error" }> {
  return { type: "error", code: error.code, message: userMessage(error, locale), ref, ...(locale === "en" ? {} : { locale }) };
}

/** The turn joins the session: what the user said (with transcripts and image text) and the answer, together. */
export async function recordTurn(turn: PreparedTurn, answer: string, deps: Pick<StageDeps, "store" | "now">): Promise<void> {
  await deps.store.sessions.append(turn.session.id, [
    { role: "user", text: turnText(turn.input), createdAt: turn.startedAt },
    ...(answer ? [{ role: "assistant" as const, text: answer, createdAt: deps.now() }] : []),
  ]);
}

/**
 * A turn that threw: stopped when its run was aborted (by `/stop`, or by a shutdown: interrupted), otherwise an
 * error the user reads with its reference (a daily cap is not a fault: its message is the whole answer).
 */
export async function failTurn(turn: Turn, thrown: unknown, signal: AbortSignal, deps: StageDeps, log: Logger): Promise<TurnOutcome> {
  if (signal.aborted) return { type: isShutdownAbort(signal) ? "interrupted" : "stopped" };
  const error = toBridgeError(thrown);
  deps.metrics.errors.inc({ code: error.code });
  if (error.code === "budget-exceeded") {
    log.info({}, error.message);
    await deps.delivery.send(`${turn.keyBase}:error`, turn.to, { type: "markdown", text: userMessage(error, localeOf(turn.input, deps)) });
  } else {
    log.error({ err: error }, "agent run failed");
    await deps.delivery.send(`${turn.keyBase}:error`, turn.to, errorPart(error, turn.ref, localeOf(turn.input, deps)));
  }
  return { type: "error", detail: `ref ${turn.ref}: ${error.message}` };
}

/**
 * Stage "settle": the inbox rows are finished (not after a shutdown: the next start runs the turn again),
 * the audit log gets the outcome of a run that started, the metrics count it.
 */
export async function settle(turn: Turn, outcome: TurnOutcome, hasStarted: boolean, deps: StageDeps): Promise<void> {
  const audited = outcome.type === "interrupted" ? "stopped" : outcome.type;
  if (outcome.type !== "interrupted") await deps.store.inbox.setStatus(turn.inboxKeys, "done");
  if (hasStarted) await deps.store.audit.finishRun(turn.runId, audited, deps.now(), outcome.type === "error" ? outcome.detail : undefined);
  deps.metrics.runs.inc({ outcome: audited });
  deps.metrics.runSeconds.observe({ outcome: audited }, (deps.now() - turn.startedAt) / 1000);
}
