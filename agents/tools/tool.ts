import type { z } from "zod";
import type { RiskLevel } from "../../core/permissions.ts";
import type { AgentJobs, AgentKnowledge, AgentMemory, ApprovalDecision } from "../../core/types/agent.ts";
import type { ReplyPart } from "../../core/types/reply.ts";

export interface ToolContext {
  signal: AbortSignal;
  /** Absolute path; every path a tool touches must resolve inside it. */
  workspaceDir: string;
  /** A progress line for the chat (e.g. the last line of a running command). */
  reportStatus(text: string): void;
  /** Asks again, mid-run, for something the approved call did not cover (`http_fetch` redirected to another site). */
  requestApproval(summary: string): Promise<ApprovalDecision>;
  /** The sender's and the chat's memories (`remember`, `recall`); absent where the core gives none. */
  memory?: AgentMemory;
  /** The knowledge bases this chat may search (`search_knowledge`). */
  knowledge?: AgentKnowledge;
  /** The chat's jobs, as the person the run answers (the `schedule` tool); absent where jobs are off. */
  jobs?: AgentJobs;
}

export interface ToolResult {
  /** What the model reads: trimmed, never unbounded. */
  text: string;
  /** What goes to the chat as well (a file, an image). */
  artifacts: ReplyPart[];
}

export interface Tool<Args = any> {
  name: string;
  /** One or two sentences for the model: the fixed prompt prefix is paid on every call. */
  description: string;
  parameters: z.ZodType<Args>;
  /** The JSON Schema the model sees, when it does not come from `parameters` (tools of MCP servers). */
  inputSchema?: Record<string, unknown>;
  risk: RiskLevel;
  /**
   * Acts only on what the sender may already see and change themselves (their memories, this chat's knowledge
   * bases): it never asks for an approval, not even in a group. Audited like every tool.
   */
  isContained?: boolean;
  /** Exactly what will happen, for the approval request: the command and cwd, the file path. */
  describeCall(args: Args, workspaceDir: string): string;
  /** Arguments that are file contents: an approval request attaches them as a file instead of showing them. */
  fileArguments?: readonly string[];
  run(args: Args, context: ToolContext): Promise<ToolResult>;
}
