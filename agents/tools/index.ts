import { z } from "zod";
import { createHttpFetchTool, type HttpFetchToolOptions } from "./http-fetch.ts";
import { createListFilesTool } from "./list-files.ts";
import { createRecallTool, createRememberTool, createSearchKnowledgeTool } from "./memory.ts";
import { createReadFileTool } from "./read-file.ts";
import { createSendFileTool, type SendFileToolOptions } from "./send-file.ts";
import { createShellTool, type ShellToolOptions } from "./shell.ts";
import type { Tool } from "./tool.ts";
import { createWriteFileTool } from "./write-file.ts";

export type { Tool, ToolContext, ToolResult } from "./tool.ts";
export { resolveInWorkspace } from "./workspace.ts";
export { createScheduleTool } from "./schedule.ts";

export interface ToolsOptions {
  shell: ShellToolOptions;
  httpFetch?: HttpFetchToolOptions;
  sendFile?: SendFileToolOptions;
}

/** The six host tools, in a fixed order so the tool part of the prompt stays byte-stable between calls. */
export function createTools(options: ToolsOptions): Tool[] {
  return [
    createShellTool(options.shell),
    createReadFileTool(),
    createWriteFileTool(),
    createListFilesTool(),
    createHttpFetchTool(options.httpFetch),
    createSendFileTool(options.sendFile),
  ];
}

/** Memory and knowledge: they touch nothing on the host (read risk); after the host tools, in a fixed order. */
export function createMemoryTools(): Tool[] {
  return [createRememberTool(), createRecallTool(), createSearchKnowledgeTool()];
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/**
 * What a model is told about a tool: the JSON schema of the arguments it may send (`io: "input"`),
 * without `$schema` and `additionalProperties`, which cost tokens on every call and tell it nothing.
 */
export function toolSpec(tool: Tool): ToolSpec {
  const { $schema: _schema, ...parameters } = tool.inputSchema ?? z.toJSONSchema(tool.parameters, { io: "input" });
  return { name: tool.name, description: tool.description, parameters };
}
