import { respond, type ResponseOutcome } from "../responder.ts";
import { clip } from "../trace.ts";
import { traceRun } from "../trace-run.ts";
import { toBridgeError } from "../types/errors.ts";
import { createAgentContext, recordUsage } from "../run-context.ts";
import type { Logger } from "../types/logger.ts";
import { adapterFor, localeOf, type StageDeps } from "./deps.ts";
import type { PreparedTurn, RoutedTurn } from "./turn.ts";

/**
 * Opens the conversation's session and enters the run in the audit log, in one store call, before the agent starts (its
 * tool calls are recorded under it).
 */
export async function startRun(turn: RoutedTurn, deps: Pick<StageDeps, "store" | "tracer" | "historyLimit">): Promise<PreparedTurn> {
  const opening = deps.tracer.start(turn.keyBase, "session");
  const session = await deps.store.turns.start(
    {
      ref: turn.runId,
      conversationKey: turn.conversationKey,
      senderId: turn.input.sender.id,
      agentId: turn.route.agent,
      inboxKeys: [...turn.inboxKeys],
      startedAt: turn.startedAt,
    },
    deps.historyLimit,
  );
  opening.end({ session: session.id, history: session.history.length });
  return { ...turn, session };
}

/**
 * Stage "run": the agent's events become messages through the responder. The agent fits each model call to
 * the context budget and checks the daily caps before it; each call's usage is in the ledger before the next.
 */
export async function runAgent(turn: PreparedTurn, deps: StageDeps, signal: AbortSignal, logger: Logger): Promise<ResponseOutcome> {
  const { input } = turn;
  const { now } = deps;
  const agent = deps.agents.get(turn.route.agent)!;
  const traced = traceRun(deps.tracer, turn.keyBase);
  const context = traced.context(createAgentContext(deps, { input, runRef: turn.runId, session: turn.session, route: turn.route, signal, logger, now, locale: localeOf(input, deps) }));
  const span = deps.tracer.start(turn.keyBase, "agent", { agent: agent.id, ...(context.model ?? agent.model ? { model: (context.model ?? agent.model)! } : {}) });
  try {
    const outcome = await respond(
      {
        adapter: adapterFor(deps, input.conversation),
        delivery: deps.delivery,
        logger,
        onFirstReply: () => deps.metrics.firstReplySeconds.observe((now() - turn.receivedAt) / 1000),
        onUsage: (usage) => recordUsage(deps, input, usage, now(), turn.runId),
        locale: localeOf(input, deps),
      },
      turn.to,
      turn.keyBase,
      traced.events(agent.run(input, context)),
      signal,
    );
    span.end({ isStopped: outcome.isStopped, answerChars: outcome.text.length });
    return outcome;
  } catch (error) {
    span.end({ error: clip(toBridgeError(error).message) }, "error");
    throw error;
  }
}
