import type { Approvals } from "./approvals.ts";
import { checkDailyCaps, costOf } from "./budget.ts";
import type { BudgetConfig, ModelPrice } from "./config.ts";
import { fullTextKnowledge, type KnowledgePort } from "./knowledge.ts";
import { relevantMemories, remember, type MemoryScope } from "./memory.ts";
import type { JobService } from "./jobs/service.ts";
import { jobsFor } from "./jobs/agent-jobs.ts";
import type { Metrics } from "./metrics.ts";
import { userRef } from "./policy.ts";
import { decidePermission, type PermissionSettings, type RiskLevel } from "./permissions.ts";
import type { Route, ToolPolicy } from "./router.ts";
import type { Store } from "./store/store.ts";
import type { AgentContext, AgentInput, ModelCallUsage, SessionInfo } from "./types/agent.ts";
import { conversationKey } from "./types/conversation.ts";
import type { Logger } from "./types/logger.ts";
import type { Locale } from "./i18n/catalogue.ts";

export interface RunContextDeps {
  store: Store;
  approvals: Approvals;
  permissions: PermissionSettings;
  budget: BudgetConfig;
  prices: Record<string, ModelPrice>;
  metrics: Metrics;
  knowledge?: KnowledgePort;
  jobs?: JobService;
}

export interface RunScope {
  input: AgentInput;
  runRef: string;
  session: SessionInfo;
  route: Route;
  signal: AbortSignal;
  logger: Logger;
  now: () => number;
  /** The language of the person the run answers. */
  locale?: Locale;
}

export function isAllowedHere(risk: RiskLevel, policy: ToolPolicy): boolean {
  return policy === "all" || (policy === "read" && risk === "read");
}

/** What an agent may ask of the core during a run: approvals, the budget, its session summary, the audit trail. */
export function createAgentContext(deps: RunContextDeps, scope: RunScope): AgentContext {
  const { input, session, signal, now } = scope;
  const requesterRef = userRef(input);
  const key = conversationKey(input.conversation);
  const memoryScope: MemoryScope = {
    userRef: requesterRef,
    conversationKey: key,
    isGroup: input.conversation.kind === "group",
    isAdmin: input.senderRole === "owner" || input.senderRole === "admin",
  };
  const knowledge = deps.knowledge ?? fullTextKnowledge(deps.store.knowledge);
  return {
    signal,
    ...(scope.route.model ? { model: scope.route.model } : {}),
    ...(scope.route.instructions ? { instructions: scope.route.instructions } : {}),
    toolPolicy: scope.route.tools,
    session,
    logger: scope.logger,
    ...(scope.locale ? { locale: scope.locale } : {}),
    async requestApproval(request) {
      if (!isAllowedHere(request.risk, scope.route.tools)) {
        return { isApproved: false, decidedBy: `this chat's tool policy (${scope.route.tools})` };
      }
      const permissionScope = { isGroup: input.conversation.kind === "group", isAutoApproved: scope.route.autoApprove.includes(request.toolName) };
      if (decidePermission(input.senderRole, request.risk, deps.permissions, permissionScope) === "run") {
        return { isApproved: true, decidedBy: `the policy (${input.senderRole})` };
      }
      return deps.approvals.request({ conversation: input.conversation, requesterRef, requesterRole: input.senderRole, request, signal, ...(input.sender.locale ? { locale: input.sender.locale } : {}) });
    },
    checkBudget: () => checkDailyCaps(deps.store.usage, deps.budget, { userRef: requesterRef, conversationKey: key }, now()),
    saveSummary: (summary, throughSeq) => deps.store.sessions.saveSummary(session.id, summary, throughSeq),
    audit: (kind, detail) => deps.store.audit.recordEvent(scope.runRef, now(), kind, detail),
    memory: {
      relevant: (text) => relevantMemories(deps.store.memories, memoryScope, text),
      remember: (fact) => remember(deps.store.memories, memoryScope, fact, false, now()),
    },
    knowledge: {
      bases: scope.route.knowledge,
      search: (query, limit) => knowledge.search(scope.route.knowledge, query, limit, signal),
    },
    ...(deps.jobs ? { jobs: jobsFor(deps.jobs, input) } : {}),
  };
}

/** One model call into the ledger (with its estimated cost) and the metrics. */
export async function recordUsage(deps: RunContextDeps, input: AgentInput, usage: ModelCallUsage, at: number): Promise<void> {
  deps.metrics.tokens.inc({ direction: "input", model: usage.model }, usage.inputTokens);
  deps.metrics.tokens.inc({ direction: "output", model: usage.model }, usage.outputTokens);
  await deps.store.usage.record({
    at,
    userRef: userRef(input),
    conversationKey: conversationKey(input.conversation),
    model: usage.model,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedTokens: usage.cachedTokens,
    costUsd: costOf(usage, deps.prices),
  });
}
