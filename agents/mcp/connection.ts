import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Tool as McpToolDefinition } from "@modelcontextprotocol/sdk/types.js";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { McpServerConfig } from "./config.ts";

const clientInfo = { name: "pincer", version: "0.1.0" };
const stderrTailLines = 20;
/** Pages of tools/list read before giving up on a server that never stops paging. */
const maxToolPages = 50;

export interface McpConnectionOptions {
  logger: Logger;
  connectTimeoutMs: number;
  /** What a stdio server sees of our environment, before its own `env`. */
  env: Record<string, string>;
}

/** One MCP server: connected on first use, and again on the next use after the server went away. */
export interface McpConnection {
  readonly server: string;
  client(signal?: AbortSignal): Promise<Client>;
  listTools(signal?: AbortSignal): Promise<McpToolDefinition[]>;
  /** The last lines the server wrote to stderr (stdio servers), for the log; never shown to the model. */
  stderrTail(): string;
  close(): Promise<void>;
}

function createStderrTail() {
  let lines: string[] = [];
  let partial = "";
  return {
    push(chunk: Buffer | string) {
      const pieces = (partial + String(chunk)).split(/\r?\n/);
      partial = pieces.pop() ?? "";
      lines = [...lines, ...pieces.filter((line) => line.trim() !== "")].slice(-stderrTailLines);
    },
    text: () => [...lines, ...(partial.trim() ? [partial] : [])].slice(-stderrTailLines).join("\n"),
  };
}

function createTransport(config: McpServerConfig, env: Record<string, string>, stderr: ReturnType<typeof createStderrTail>): Transport {
  if (config.url !== undefined) return new StreamableHTTPClientTransport(new URL(config.url));
  const [command, ...args] = config.command ?? [];
  if (!command) throw new BridgeError("config", `MCP server "${config.name}" has an empty command.`);
  // The SDK adds HOME, LOGNAME, PATH, SHELL, TERM and USER from our own environment; the rest is our allowlist and the server's `env`.
  const transport = new StdioClientTransport({ command, args, env: { ...env, ...config.env }, stderr: "pipe" });
  transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  return closingOnce(transport);
}

/**
 * Makes every close() wait for the same shutdown. When initialize fails, the SDK starts closing
 * without waiting (stdin end, 2 s, SIGTERM, 2 s, SIGKILL); a second close() would return at once
 * and a server that ignores stdin could outlive us.
 */
function closingOnce(transport: Transport): Transport {
  const close = transport.close.bind(transport);
  let closing: Promise<void> | undefined;
  transport.close = () => (closing ??= close());
  return transport;
}

export function createMcpConnection(config: McpServerConfig, options: McpConnectionOptions): McpConnection {
  const logger = options.logger.child({ mcpServer: config.name });
  const stderr = createStderrTail();
  let current: Promise<Client> | undefined;
  let isClosed = false;

  async function open(signal: AbortSignal | undefined, onGone: () => void): Promise<Client> {
    const client = new Client(clientInfo);
    let isReady = false;
    client.onerror = (error) => logger.debug({ err: error }, "MCP transport error");
    client.onclose = () => {
      onGone();
      if (isReady && !isClosed) logger.warn({ stderr: stderr.text() }, "MCP server went away; the next call reconnects");
    };
    try {
      await client.connect(createTransport(config, options.env, stderr), { timeout: options.connectTimeoutMs, ...(signal ? { signal } : {}) });
    } catch (thrown) {
      await client.close().catch(() => undefined);
      throw thrown;
    }
    isReady = true;
    return client;
  }

  function connect(signal?: AbortSignal): Promise<Client> {
    if (isClosed) return Promise.reject(new BridgeError("upstream", `The MCP server "${config.name}" has been shut down.`));
    if (!current) {
      const attempt: Promise<Client> = open(signal, () => {
        if (current === attempt) current = undefined;
      });
      current = attempt;
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
    }
    return current;
  }

  return {
    server: config.name,
    client: connect,
    async listTools(signal) {
      const client = await connect(signal);
      const tools: McpToolDefinition[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < maxToolPages; page += 1) {
        const result = await client.listTools(cursor ? { cursor } : {}, signal ? { signal } : {});
        tools.push(...result.tools);
        cursor = result.nextCursor;
        if (!cursor) return tools;
      }
      logger.warn({ pages: maxToolPages }, "MCP server kept paging its tool list; the rest is left out");
      return tools;
    },
    stderrTail: () => stderr.text(),
    async close() {
      isClosed = true;
      const client = await current?.catch(() => undefined);
      current = undefined;
      await client?.close();
    },
  };
}
