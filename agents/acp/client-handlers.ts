import type { RequestPermissionResponse } from "@agentclientprotocol/sdk";
import type { ClientHandlers } from "./client-app.ts";
import { readTextFile, writeTextFile } from "./files.ts";
import { approvalRequestFor, outcomeFor } from "./permission.ts";
import type { Terminals } from "./terminals.ts";
import type { Turn } from "./turn.ts";
import { untilAborted } from "./wait.ts";

const cancelled: RequestPermissionResponse = { outcome: { outcome: "cancelled" } };

/**
 * The agent's calls, served for the turn in flight on its session: updates become chat events,
 * permission requests become chat approvals, files and commands stay inside `cwd`. A call for a
 * session with no turn in flight (a replay on load, a late update after a stop) shows nothing and
 * asks nobody.
 */
export function createClientHandlers(cwd: string, terminals: Terminals, turns: ReadonlyMap<string, Turn>): ClientHandlers {
  const audit = (sessionId: string, kind: string, detail: Record<string, unknown>) =>
    turns.get(sessionId)?.context.audit(kind, detail) ?? Promise.resolve();

  return {
    onUpdate({ sessionId, update }) {
      const turn = turns.get(sessionId);
      if (!turn) return;
      const events = turn.mapper.map(update);
      if (events.length > 0) turn.push({ type: "events", events });
    },

    async requestPermission(params, signal) {
      const turn = turns.get(params.sessionId);
      if (!turn) return cancelled;
      const { context } = turn;
      const request = approvalRequestFor(turn.mapper.toolCall(params.toolCall), params.toolCall, cwd, params.options);
      await context.audit("tool-call", { tool: request.toolName, summary: request.summary, risk: request.risk, via: "acp" });
      // A stop in the chat or a cancel from the agent answers "cancelled", as ACP asks.
      const stopped = AbortSignal.any([context.signal, signal]);
      const decision = await untilAborted(context.requestApproval(request), stopped);
      if (!decision || stopped.aborted) return cancelled;
      await context.audit("tool-decision", { tool: request.toolName, isApproved: decision.isApproved, decidedBy: decision.decidedBy });
      return { outcome: outcomeFor(params.options, decision) };
    },

    readTextFile: (params) => readTextFile(cwd, params),

    async writeTextFile(params) {
      const response = await writeTextFile(cwd, params);
      await audit(params.sessionId, "tool-result", { tool: "fs/write_text_file", path: params.path, chars: params.content.length });
      return response;
    },

    terminals: {
      ...terminals,
      async create(params) {
        const response = await terminals.create(params);
        await audit(params.sessionId, "tool-result", {
          tool: "terminal/create",
          command: [params.command, ...(params.args ?? [])].join(" "),
          cwd: params.cwd ?? cwd,
        });
        return response;
      },
    },
  };
}
