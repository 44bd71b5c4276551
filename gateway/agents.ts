import { createBuiltinAgent } from "../agents/builtin/index.ts";
import type { Config } from "../core/config.ts";
import type { Store } from "../core/store/store.ts";
import type { Agent } from "../core/types/agent.ts";
import type { Logger } from "../core/types/logger.ts";

export interface AgentSet {
  agents: Map<string, Agent>;
  close(): Promise<void>;
}

/**
 * Every agent a conversation can be routed to: `builtin`, `llm` when a model is configured (with the host
 * tools and the MCP servers' tools), and each ACP coding agent. Model SDKs, the tokenizer and agent
 * processes load only when configured.
 */
export async function createAgents(config: Config, deps: { logger: Logger; store: Store }): Promise<AgentSet> {
  const agents = new Map<string, Agent>([["builtin", createBuiltinAgent()]]);
  const closers: (() => Promise<void>)[] = [];
  if (config.llm) {
    const { createLlmAgent } = await import("../agents/llm/index.ts");
    const { createMemoryTools, createScheduleTool, createTools } = await import("../agents/tools/index.ts");
    const tools = createTools({ shell: { env: config.commandEnv }, httpFetch: { allow: config.fetchAllow },
      sendFile: { maxBytes: config.media.limits.maxBytes },
    });
    tools.push(...createMemoryTools());
    // Jobs (`/in`, `/every`, …) for the model: it runs only where the gateway gives the run a view of them.
    tools.push(createScheduleTool());
    if (config.mcpServers.length > 0) {
      const { connectMcpServers } = await import("../agents/mcp/index.ts");
      const mcp = await connectMcpServers(config.mcpServers, { logger: deps.logger.child({ part: "mcp" }), env: config.mcpEnv });
      closers.push(() => mcp.close());
      tools.push(...mcp.tools);
    }
    agents.set("llm", createLlmAgent({ ...config.llm, contextTokens: config.budget.contextTokens, memoryTokens: config.budget.memoryTokens, workspaceDir: config.workspaceDir, tools }));
  }
  const acpNames = Object.keys(config.acpAgents);
  if (acpNames.length > 0) {
    const { createAcpAgent } = await import("../agents/acp/index.ts");
    for (const name of acpNames) {
      const { command, cwd, env } = config.acpAgents[name]!;
      const agent = createAcpAgent({
        command,
        cwd,
        // The allowlist plus the variables its configuration names (its own API key), never our secrets.
        env,
        logger: deps.logger.child({ agent: name }),
        sessionIds: {
          get: (conversationKey) => deps.store.agentSessions.get(name, conversationKey),
          set: (conversationKey, sessionId) => deps.store.agentSessions.set(name, conversationKey, sessionId),
        },
      });
      closers.push(() => agent.close());
      agents.set(name, agent);
    }
  }
  return {
    agents,
    async close() {
      for (const close of closers) await close();
    },
  };
}
