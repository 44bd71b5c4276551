import { clip, type Tracer } from "./trace.ts";
import type { AgentContext, AgentEvent } from "./types/agent.ts";

/**
 * A run as spans: each model call (from the budget check before it, or the end of the last step, to its usage),
 * each tool (from its start to its end) and each approval (from the request to the decision). The agent is not
 * asked to report timings: its events and context calls carry them.
 */
export interface RunTrace {
  context(context: AgentContext): AgentContext;
  events(events: AsyncIterable<AgentEvent>): AsyncIterable<AgentEvent>;
}

export function traceRun(tracer: Tracer, traceKey: string): RunTrace {
  /** When the model call under way began: the last budget check, usage or tool end. */
  let callStartedAt = tracer.now();
  const openTools: { name: string; summary: string; startedAt: number }[] = [];

  const observe = (event: AgentEvent) => {
    const at = tracer.now();
    if (event.type === "usage") {
      tracer.record({
        traceKey, name: "model", startedAt: callStartedAt, endedAt: at, status: "ok",
        attributes: { model: event.model, inputTokens: event.inputTokens, outputTokens: event.outputTokens, cachedTokens: event.cachedTokens },
      });
      callStartedAt = at;
    } else if (event.type === "tool" && event.phase === "start") {
      openTools.push({ name: event.name, summary: clip(event.summary ?? "", 120), startedAt: at });
    } else if (event.type === "tool" && event.phase === "end") {
      const index = openTools.findIndex((tool) => tool.name === event.name);
      if (index < 0) return;
      const [tool] = openTools.splice(index, 1);
      tracer.record({
        traceKey, name: "tool", startedAt: tool!.startedAt, endedAt: at, status: "ok",
        attributes: { tool: tool!.name, ...(tool!.summary ? { summary: tool!.summary } : {}) },
      });
      callStartedAt = at;
    }
  };

  return {
    context: (context) => ({
      ...context,
      async checkBudget() {
        await context.checkBudget();
        callStartedAt = tracer.now();
      },
      async requestApproval(request) {
        const span = tracer.start(traceKey, "approval", { tool: request.toolName, risk: request.risk, summary: clip(request.summary, 120) });
        try {
          const decision = await context.requestApproval(request);
          span.end({ isApproved: decision.isApproved, decidedBy: clip(decision.decidedBy, 120) });
          return decision;
        } catch (error) {
          span.end({}, "error");
          throw error;
        }
      },
    }),
    async *events(events) {
      for await (const event of events) {
        observe(event);
        yield event;
      }
    },
  };
}
