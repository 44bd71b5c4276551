import type { ConversationRef } from "./conversation.ts";
import type { Logger } from "./logger.ts";
import type { Attachment, Sender } from "./message.ts";
import type { ReplyPart } from "./reply.ts";

export type AgentEvent =
  | { type: "text-delta"; text: string }
  | { type: "status"; text: string }
  | { type: "tool"; phase: "start" | "end"; name: string; summary?: string }
  | { type: "artifact"; part: ReplyPart }
  | { type: "usage"; inputTokens: number; outputTokens: number; model: string }
  | { type: "done" };

export type SessionRole = "user" | "assistant";

export interface SessionMessage {
  role: SessionRole;
  text: string;
  createdAt: number;
}

export interface SessionInfo {
  id: string;
  conversationKey: string;
  createdAt: number;
  history: SessionMessage[];
}

export interface AgentInput {
  text: string;
  attachments: Attachment[];
  conversation: ConversationRef;
  sender: Sender;
}

export interface ApprovalRequest {
  toolName: string;
  summary: string;
}

export interface ApprovalDecision {
  isApproved: boolean;
  decidedBy: string;
}

export interface AgentContext {
  signal: AbortSignal;
  session: SessionInfo;
  logger: Logger;
  requestApproval(request: ApprovalRequest): Promise<ApprovalDecision>;
}

export interface Agent {
  id: string;
  /** The model behind the agent, for `/status`; none for the built-in agent. */
  model?: string;
  run(input: AgentInput, context: AgentContext): AsyncIterable<AgentEvent>;
}
