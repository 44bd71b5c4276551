import { createHash } from "node:crypto";
import { ErrorCode, McpError, type Progress, type Tool as McpToolDefinition } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import type { Tool, ToolContext, ToolResult } from "../tools/tool.ts";
import type { McpServerConfig } from "./config.ts";
import type { McpConnection } from "./connection.ts";
import { resultText } from "./result-text.ts";

/** The limit OpenAI and Anthropic put on a tool name. */
const maxNameChars = 64;
/** Descriptions ride along on every model call; a server's essay is cut to this. */
const maxDescriptionChars = 300;
const maxArgsChars = 400;

/** Arguments are checked by the server against its own schema; the model is shown that schema (`inputSchema`). */
const parameters = z.record(z.string(), z.unknown());

export type McpToolArgs = z.infer<typeof parameters>;

/** `<server>__<tool>` in the characters model APIs allow, at most 64 of them. */
export function mcpToolName(server: string, tool: string): string {
  return `${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, maxNameChars);
}

/** A second name for a tool whose sanitized name is taken: shortened, with a hash of the original names. */
export function disambiguatedName(server: string, tool: string): string {
  const hash = createHash("sha256").update(`${server}\0${tool}`).digest("hex").slice(0, 6);
  return `${mcpToolName(server, tool).slice(0, maxNameChars - hash.length - 1)}_${hash}`;
}

/** On one line, at most `maxChars`: cut after the last whole sentence that fits, else after a word. */
export function shortDescription(text: string, maxChars = maxDescriptionChars): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxChars) return flat;
  const sentences = /^.*[.!?](?= )/.exec(flat.slice(0, maxChars + 1))?.[0];
  if (sentences && sentences.length > maxChars / 2) return sentences;
  const cut = flat.slice(0, maxChars - 1);
  const atWord = cut.replace(/\s+\S*$/, "");
  return `${atWord.length > maxChars / 2 ? atWord : cut}…`;
}

export function describeMcpCall(server: string, tool: string, args: McpToolArgs): string {
  const json = Object.keys(args).length === 0 ? "" : JSON.stringify(args);
  const shown = json.length <= maxArgsChars ? json : `${json.slice(0, maxArgsChars)}… (${json.length - maxArgsChars} more characters)`;
  return `${server}.${tool}(${shown})`;
}

function progressText(progress: Progress): string {
  if (progress.message) return progress.message;
  return progress.total ? `${progress.progress}/${progress.total}` : String(progress.progress);
}

function callError(server: string, tool: string, thrown: unknown, callTimeoutMs: number): BridgeError {
  const isGone =
    (thrown instanceof McpError && thrown.code === ErrorCode.ConnectionClosed) || (thrown instanceof Error && thrown.message === "Not connected");
  if (isGone) {
    return new BridgeError(
      "upstream",
      `The MCP server "${server}" stopped during this call, so it is unknown whether ${tool} took effect. It is restarted on the next call.`,
      { cause: thrown },
    );
  }
  if (thrown instanceof McpError && thrown.code === ErrorCode.RequestTimeout) {
    return new BridgeError("timeout", `${server}.${tool} gave no answer within ${Math.round(callTimeoutMs / 1000)} s.`, { cause: thrown });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new BridgeError("upstream", `The MCP server "${server}" failed: ${message}`, { cause: thrown });
}

export interface McpToolOptions {
  /** The name the model knows it by (`mcpToolName`, or `disambiguatedName` after a clash). */
  name: string;
  callTimeoutMs: number;
}

/** One tool of an MCP server as a Pincer tool: the server's schema for the model, its risk for approvals. */
export function createMcpTool(
  config: McpServerConfig,
  definition: McpToolDefinition,
  connection: McpConnection,
  options: McpToolOptions,
): Tool<McpToolArgs> {
  const server = config.name;
  const tool = definition.name;
  const description = shortDescription(definition.description || definition.title || `Tool ${tool} of the ${server} MCP server.`);
  const inputSchema: Record<string, unknown> = { ...definition.inputSchema, properties: definition.inputSchema.properties ?? {} };

  async function run(args: McpToolArgs, context: ToolContext): Promise<ToolResult> {
    let client;
    try {
      client = await connection.client(context.signal);
    } catch (thrown) {
      if (context.signal.aborted) throw new BridgeError("aborted", "Stopped.", { cause: thrown });
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      throw new BridgeError("upstream", `The MCP server "${server}" is unavailable: ${message}`, { cause: thrown });
    }
    try {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: context.signal,
        timeout: options.callTimeoutMs,
        resetTimeoutOnProgress: true,
        onprogress: (progress) => context.reportStatus(progressText(progress)),
      });
      return { text: resultText(result), artifacts: [] };
    } catch (thrown) {
      if (context.signal.aborted) throw new BridgeError("aborted", "Stopped.", { cause: thrown });
      throw callError(server, tool, thrown, options.callTimeoutMs);
    }
  }

  return {
    name: options.name,
    description,
    parameters,
    inputSchema,
    risk: config.risk,
    describeCall: (args) => describeMcpCall(server, tool, args),
    run,
  };
}
