import { turnText } from "../prompt-text.ts";
import { isShutdownAbort } from "../queue.ts";
import type { Locale } from "../i18n/catalogue.ts";
import { toBridgeError, userMessage, type BridgeError } from "../types/errors.ts";
import type { ReplyPart } from "../types/reply.ts";
import type { FinishedTurn } from "../store/store.ts";
import { clip } from "../trace.ts";
import type { Logger } from "../types/logger.ts";
import { localeOf, type StageDeps } from "./deps.ts";
import type { PreparedTurn, Turn, TurnOutcome } from "./turn.ts";

export { userMessage } from "../types/errors.ts";

/** An error as a reply part, in the reader's language. */
export function errorPart(error: BridgeError, ref: string, locale: Locale): Extract<ReplyPart, { type: "error" }> {
  return { type: "error", code: error.code, message: userMessage(error, locale), ref, ...(locale === "en" ? {} : { locale }) };
}

/** What the turn adds to its session: what the user said (with transcripts and image text) and the answer, together. */
export function turnMessages(turn: PreparedTurn, answer: string, now: number): NonNullable<FinishedTurn["session"]> {
  return {
    id: turn.session.id,
    messages: [
      { role: "user", text: turnText(turn.input), createdAt: turn.startedAt },
      ...(answer ? [{ role: "assistant" as const, text: answer, createdAt: now }] : []),
    ],
  };
}

/** The turn joins the session (a job's run; a message's turn records it as it settles). */
export async function recordTurn(turn: PreparedTurn, answer: string, deps: Pick<StageDeps, "store" | "now">): Promise<void> {
  const session = turnMessages(turn, answer, deps.now());
  await deps.store.sessions.append(session.id, session.messages);
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
 * Stage "settle": in one write, the turn joins its session, its inbox rows are finished (not after a shutdown: the
 * next start runs the turn again) and the run that started gets its outcome; then the trace and the metrics.
 */
export async function settle(turn: Turn, outcome: TurnOutcome, hasStarted: boolean, deps: StageDeps, session?: FinishedTurn["session"]): Promise<void> {
  const audited = outcome.type === "interrupted" ? "stopped" : outcome.type;
  await deps.store.turns.finish({
    doneKeys: outcome.type === "interrupted" ? [] : turn.inboxKeys,
    ...(session ? { session } : {}),
    ...(hasStarted ? { run: { ref: turn.runId, outcome: audited, endedAt: deps.now(), ...(outcome.type === "error" ? { detail: outcome.detail } : {}) } } : {}),
  });
  // Every message the turn answered shows the turn; its steps are kept under the first message's key (`turnKey`).
  const endedAt = deps.tracer.now();
  for (const traceKey of turn.inboxKeys) {
    deps.tracer.record({
      traceKey, name: "turn", startedAt: turn.startedAt, endedAt, status: outcome.type === "error" ? "error" : "ok",
      attributes: { turnKey: turn.keyBase, run: turn.ref, messages: turn.inboxKeys.length, outcome: outcome.type, ...(outcome.type === "error" ? { error: clip(outcome.detail) } : {}) },
    });
  }
  deps.metrics.runs.inc({ outcome: audited });
  deps.metrics.runSeconds.observe({ outcome: audited }, (deps.now() - turn.startedAt) / 1000);
}
