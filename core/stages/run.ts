import { respond, type ResponseOutcome } from "../responder.ts";
import { createAgentContext, recordUsage } from "../run-context.ts";
import type { Logger } from "../types/logger.ts";
import { adapterFor, localeOf, type StageDeps } from "./deps.ts";
import type { PreparedTurn } from "./turn.ts";

/** The run enters the audit log before the agent starts (its tool calls are recorded under it). */
export async function startRun(turn: PreparedTurn, deps: Pick<StageDeps, "store">): Promise<void> {
  await deps.store.audit.startRun({
    ref: turn.runId,
    conversationKey: turn.conversationKey,
    sessionId: turn.session.id,
    senderId: turn.input.sender.id,
    agentId: turn.route.agent,
    inboxKeys: [...turn.inboxKeys],
    startedAt: turn.startedAt,
  });
}

/**
 * Stage "run": the agent's events become messages through the responder. The agent fits each model call to
 * the context budget and checks the daily caps before it; each call's usage is in the ledger before the next.
 */
export async function runAgent(turn: PreparedTurn, deps: StageDeps, signal: AbortSignal, logger: Logger): Promise<ResponseOutcome> {
  const { input } = turn;
  const { now } = deps;
  const agent = deps.agents.get(turn.route.agent)!;
  const context = createAgentContext(deps, { input, runRef: turn.runId, session: turn.session, route: turn.route, signal, logger, now, locale: localeOf(input, deps) });
  return respond(
    {
      adapter: adapterFor(deps, input.conversation),
      delivery: deps.delivery,
      logger,
      onFirstReply: () => deps.metrics.firstReplySeconds.observe((now() - turn.receivedAt) / 1000),
      onUsage: (usage) => recordUsage(deps, input, usage, now()),
      locale: localeOf(input, deps),
    },
    turn.to,
    turn.keyBase,
    agent.run(input, context),
    signal,
  );
}
