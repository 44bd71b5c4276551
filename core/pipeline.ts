import { channelLabels } from "./metrics.ts";
import { isShutdownAbort, ShutdownAbort } from "./queue.ts";
import { admit } from "./stages/admit.ts";
import { localeOf, stageDeps, type PipelineDeps, type StageDeps } from "./stages/deps.ts";
import { createTurnQueue, type RunHandle, type TurnQueue } from "./stages/drain.ts";
import { answerAtOnce, isEmptyPrompt, parse } from "./stages/parse.ts";
import { prepare } from "./stages/prepare.ts";
import { runAgent, startRun } from "./stages/run.ts";
import { errorPart, failTurn, settle, turnMessages } from "./stages/settle.ts";
import { speakBack } from "./stages/speak.ts";
import { beginTurn, newRef, type PreparedTurn, type TurnOutcome } from "./stages/turn.ts";
import { createWorkTracker } from "./work-tracker.ts";
import { messageAttributes } from "./trace-attributes.ts";
import { inboxKey } from "./store/store.ts";
import type { BegunTurn } from "./store/turn-store.ts";
import type { InboundReceipt } from "./types/adapter.ts";
import { channelOf } from "./types/conversation.ts";
import { BridgeError, toBridgeError } from "./types/errors.ts";
import { answerTo, type InboundMessage } from "./types/message.ts";
import { conversationKey } from "./types/conversation.ts";

export type { PipelineDeps } from "./stages/deps.ts";

export interface Pipeline {
  /** Resolves once the message is durable in the inbox: the adapter may acknowledge then. */
  receive(message: InboundMessage): Promise<InboundReceipt>;
  /**
   * After a restart (and, on a shared store, every lease period): resumes messages that were received or queued
   * but not answered. `receivedBefore` leaves received rows younger than that to the process taking them in.
   */
  recover(options?: { receivedBefore?: number }): Promise<void>;
  /** Resolves when no message is being processed. */
  idle(): Promise<void>;
  /**
   * Takes no more work (`receive` throws, so the platform redelivers), lets runs finish for up to
   * `graceMs`, then aborts the rest without finishing their rows: the next start resumes them, as after a crash.
   */
  stop(graceMs?: number): Promise<void>;
}

/** How far a message went in this process: its root span says so. */
type TakeInOutcome = "refused" | "answered" | "empty" | "queued" | "error";

/**
 * Admit, parse, then answer a control command at once or queue a prompt. A failure is answered with its reference.
 * A message that ends without a turn lets the conversation's later messages, held behind it, go.
 */
async function processMessage(key: string, message: InboundMessage, deps: StageDeps, queue: TurnQueue): Promise<TakeInOutcome> {
  const outcome = await takeIn(key, message, deps, queue);
  if (outcome !== "queued") await queue.resume(conversationKey(message.conversation));
  return outcome;
}

async function takeIn(key: string, message: InboundMessage, deps: StageDeps, queue: TurnQueue): Promise<TakeInOutcome> {
  const log = deps.logger.child({ inbox: key });
  try {
    const admission = await admit(key, message, deps, log);
    if (admission.type === "refused") return "refused";
    const parsing = deps.tracer.start(key, "parse");
    const command = parse(admission.message);
    parsing.end({ command: command.type, ...(command.type === "control" || command.type === "job" ? { name: command.name } : {}) });
    if (command.type !== "prompt") {
      const answering = deps.tracer.start(key, "answer", { command: command.type });
      await answerAtOnce(key, admission.message, admission.role, command, { ...deps, runs: queue });
      answering.end();
      return "answered";
    }
    if (isEmptyPrompt(command)) {
      await deps.store.inbox.setStatus([key], "ignored");
      return "empty";
    }
    await queue.enqueue(key, admission.message);
    return "queued";
  } catch (thrown) {
    const error = toBridgeError(thrown);
    const ref = newRef();
    log.error({ err: error, ref }, "message processing failed");
    deps.metrics.errors.inc({ code: error.code });
    await deps.store.inbox.setStatus([key], "ignored");
    await deps.delivery.send(`${key}:error`, answerTo(message), errorPart(error, ref, localeOf(message, deps)));
    return "error";
  }
}

/** Prepare, run, speak back, settle: one turn of a conversation, its rows finished whatever happens (but a shutdown). */
async function takeTurn(begun: BegunTurn, run: RunHandle, deps: StageDeps): Promise<void> {
  const turn = beginTurn(begun.rows, deps.policy, deps.now(), begun.choice);
  const log = deps.logger.child({ run: turn.runId, ref: turn.ref, conversation: turn.conversationKey });
  let outcome: TurnOutcome = { type: "ok" };
  let started: PreparedTurn | undefined;
  let session: ReturnType<typeof turnMessages> | undefined;
  try {
    const routed = await prepare(turn, deps, run.signal);
    if (!routed) return;
    const prepared = await startRun(routed, deps);
    started = prepared;
    const answer = await runAgent(prepared, deps, run.signal, log);
    if (isShutdownAbort(run.signal)) {
      outcome = { type: "interrupted" };
      return;
    }
    if (answer.isStopped) outcome = { type: "stopped" };
    else await speakBack(prepared, answer.text, deps, run.signal, log);
    session = turnMessages(prepared, answer.text, deps.now());
  } catch (thrown) {
    outcome = await failTurn(turn, thrown, run.signal, deps, log);
  } finally {
    run.end();
    await settle(turn, outcome, started !== undefined, deps, session);
  }
}

/** The loop of design.md §1 as stages: admit, parse, enqueue/drain, prepare, run, speak back, settle. */
export function createPipeline(pipelineDeps: PipelineDeps): Pipeline {
  const deps = stageDeps(pipelineDeps);
  const { store, metrics, logger } = deps;
  const work = createWorkTracker(metrics, logger);
  const queue = createTurnQueue({
    store, metrics, tracer: deps.tracer, logger: pipelineDeps.logger, locks: pipelineDeps.locks, runs: pipelineDeps.runs, heldBehindMs: pipelineDeps.heldBehindMs,
    retakeLostAfterMs: pipelineDeps.retakeLostAfterMs,
    takeTurn: (begun, run) => takeTurn(begun, run, deps),
  });
  /** Messages this process is taking through admit and parse now (`recover` leaves them alone). */
  const processing = new Set<string>();
  let isStopping = false;

  const process = async (message: InboundMessage, receivedAt: number, isRecovered = false) => {
    const key = inboxKey(channelOf(message.conversation), message.id);
    if (processing.has(key)) return;
    processing.add(key);
    let outcome: TakeInOutcome = "error";
    try {
      outcome = await processMessage(key, message, deps, queue);
    } finally {
      processing.delete(key);
      deps.tracer.record({
        traceKey: key, name: "message", startedAt: receivedAt, endedAt: deps.tracer.now(), status: outcome === "error" ? "error" : "ok",
        attributes: { ...messageAttributes(message), outcome, ...(isRecovered ? { isRecovered } : {}) },
      });
    }
  };

  return {
    async receive(message) {
      // Not acknowledged: the platform delivers it again, to this process after a restart or to another one.
      if (isStopping) throw new BridgeError("upstream", "Pincer is shutting down; deliver this message again later");
      const receivedAt = deps.tracer.now();
      const isNew = await store.inbox.insert(message, deps.now());
      const traceKey = inboxKey(channelOf(message.conversation), message.id);
      deps.tracer.record({ traceKey, name: "store", startedAt: receivedAt, endedAt: deps.tracer.now(), status: "ok", attributes: { isDuplicate: !isNew } });
      if (!isNew) {
        metrics.messagesIn.inc({ ...channelLabels(message.conversation), outcome: "duplicate" });
        return { isDuplicate: true };
      }
      work.track(process(message, receivedAt));
      return { isDuplicate: false };
    },
    async recover(options = {}) {
      // Only what no live worker of this process holds: messages received meanwhile are being processed already.
      const { received, queuedConversations } = await store.inbox.recover({
        conversationKeys: queue.draining(),
        messageKeys: [...processing],
        ...(options.receivedBefore === undefined ? {} : { receivedBefore: options.receivedBefore }),
      });
      for (const row of received) work.track(process(row.message, deps.tracer.now(), true));
      for (const key of queuedConversations) work.track(queue.drain(key));
    },
    idle: () => work.idle(),
    async stop(graceMs = 0) {
      isStopping = true;
      queue.close();
      if (await work.idleWithin(graceMs)) return;
      logger.warn({ graceMs }, "runs still going at the end of the shutdown grace: stopped, to be resumed at the next start");
      queue.abortAll(new ShutdownAbort());
      await work.idle();
    },
  };
}
