import type { Logger } from "../../core/types/logger.ts";
import type { Tool } from "../tools/tool.ts";
import { configProblem, type McpServerConfig } from "./config.ts";
import { createMcpConnection, type McpConnection } from "./connection.ts";
import { createMcpTool, disambiguatedName, mcpToolName } from "./tool.ts";

export type { McpServerConfig } from "./config.ts";
export { mcpToolName } from "./tool.ts";

export interface McpServersOptions {
  logger: Logger;
  /** What a stdio server sees of our environment before its own `env` (config's `mcpEnv`: no secret of ours). */
  env?: Record<string, string>;
  /** Abandons connecting (shutdown during start-up). */
  signal?: AbortSignal;
  /** Spawn or reach a server and finish the MCP handshake (default 30 s). */
  connectTimeoutMs?: number;
  /** One tools/call; progress notifications restart the clock (default 10 min). */
  callTimeoutMs?: number;
}

export interface McpServers {
  /** Every server's tools, server by server in config order, in the order each server lists them. */
  tools: Tool[];
  close(): Promise<void>;
}

async function connectOne(config: McpServerConfig, options: McpServersOptions): Promise<McpConnection | undefined> {
  const logger = options.logger.child({ mcpServer: config.name });
  const problem = configProblem(config);
  if (problem) {
    logger.warn({}, `MCP server "${config.name}" ${problem}; its tools are left out`);
    return undefined;
  }
  return createMcpConnection(config, { logger: options.logger, env: options.env ?? {}, connectTimeoutMs: options.connectTimeoutMs ?? 30_000 });
}

/**
 * Connects to every configured MCP server at once and offers their tools as `<server>__<tool>`.
 * A server that cannot be reached is logged and left out; the others still work.
 */
export async function connectMcpServers(servers: readonly McpServerConfig[], options: McpServersOptions): Promise<McpServers> {
  const callTimeoutMs = options.callTimeoutMs ?? 600_000;
  const connected = await Promise.all(
    servers.map(async (config) => {
      const connection = await connectOne(config, options);
      if (!connection) return undefined;
      try {
        const definitions = await connection.listTools(options.signal);
        options.logger.info({ mcpServer: config.name, tools: definitions.length }, `MCP server "${config.name}" connected`);
        return { config, connection, definitions };
      } catch (thrown) {
        options.logger.warn(
          { mcpServer: config.name, err: thrown, stderr: connection.stderrTail() },
          `MCP server "${config.name}" could not be reached; its tools are left out`,
        );
        await connection.close();
        return undefined;
      }
    }),
  );
  const live = connected.filter((entry) => entry !== undefined);
  const close = async () => {
    await Promise.allSettled(live.map((entry) => entry.connection.close()));
  };
  if (options.signal?.aborted) {
    await close();
    options.signal.throwIfAborted();
  }

  const names = new Set<string>();
  const tools: Tool[] = [];
  for (const { config, connection, definitions } of live) {
    for (const definition of definitions) {
      let name = mcpToolName(config.name, definition.name);
      if (names.has(name)) name = disambiguatedName(config.name, definition.name);
      if (names.has(name)) {
        options.logger.warn({ mcpServer: config.name, tool: definition.name }, "MCP tool listed twice; the second is left out");
        continue;
      }
      names.add(name);
      tools.push(createMcpTool(config, definition, connection, { name, callTimeoutMs }));
    }
  }
  return { tools, close };
}
