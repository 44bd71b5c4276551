import type { Locale } from "../i18n/catalogue.ts";
import type { ConversationRef } from "./conversation.ts";
import type { Logger } from "./logger.ts";
import type { Attachment, Sender } from "./message.ts";
import type { ReplyPart } from "./reply.ts";
import type { RiskLevel } from "../permissions.ts";
import type { Role } from "../policy.ts";
import type { ToolPolicy } from "../router.ts";
import type { PreparedImage } from "../media.ts";
import type { KnowledgePassage } from "../store/knowledge-store.ts";
import type { MemoryRecord } from "../store/memory-store.ts";

/** The memories a run may use and add to: the sender's (as `/memory` shows them here) and the chat's. */
export interface AgentMemory {
  /** The most relevant to a text first (full text, then recency); the agent fits them to its memory share. */
  relevant(text: string): Promise<readonly MemoryRecord[]>;
  /** Stores a fact for the sender; returns the sentence to report. */
  remember(fact: string): Promise<string>;
}

/** The knowledge bases this conversation may search. */
export interface AgentKnowledge {
  bases: readonly string[];
  search(query: string, limit: number): Promise<KnowledgePassage[]>;
}

export type AgentEvent =
  | { type: "text-delta"; text: string }
  | { type: "status"; text: string }
  | { type: "tool"; phase: "start" | "end"; name: string; summary?: string }
  | { type: "artifact"; part: ReplyPart }
  | ({ type: "usage" } & ModelCallUsage)
  | { type: "done" };

export type SessionRole = "user" | "assistant";

export interface SessionMessage {
  role: SessionRole;
  text: string;
  createdAt: number;
}

export interface StoredSessionMessage extends SessionMessage {
  /** Increases through the session; the summary covers every message up to `summarizedThrough`. */
  seq: number;
}

export interface SessionInfo {
  id: string;
  conversationKey: string;
  createdAt: number;
  /** A running summary of the messages older than `history`. */
  summary: string;
  summarizedThrough: number;
  /** The most recent messages not yet in the summary, oldest first. */
  history: StoredSessionMessage[];
}

export interface AgentInput {
  text: string;
  attachments: Attachment[];
  conversation: ConversationRef;
  sender: Sender;
  /** Decides what the sender's requests may do; a member's words in a group are untrusted. */
  senderRole: Role;
  /** Downscaled images, for agents that accept them (stage 5 fills this). */
  images: PreparedImage[];
}

export interface ApprovalRequest {
  toolName: string;
  /** Exactly what will happen: the command and its directory, the file path. */
  summary: string;
  /** Every argument the tool gets, shown in full to whoever decides (absent when the summary is all there is). */
  arguments?: Record<string, unknown>;
  /** Arguments that are file contents: attached to the request as a file, however short. */
  fileArguments?: readonly string[];
  risk: RiskLevel;
  /** The agent takes a standing answer ("allow always"), offered next to the one-time yes and no. */
  canBeAlways?: boolean;
}

export interface ApprovalDecision {
  isApproved: boolean;
  decidedBy: string;
  /** The person chose the standing answer (only when the request offered one). */
  isAlways?: boolean;
}

/** One model call; the `usage` event carries it to the ledger before the agent goes on. */
export interface ModelCallUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

/** The `schedule` tool's view of jobs, bound to the person the run answers: the same rules as the chat commands. */
export interface AgentJobs {
  /** `when`: a duration for `in`/`every` (20m, 1h), a time for `at` (09:30, 2026-12-24 18:00), 5 fields for `cron`. */
  create(kind: "in" | "at" | "every" | "cron", when: string, prompt: string): Promise<string>;
  list(): Promise<string>;
  cancel(id: string): Promise<string>;
}

export interface AgentContext {
  signal: AbortSignal;
  /** The model this conversation is routed to (a binding or `/model`); the agent's own when absent. */
  model?: string;
  /** Extra instructions for this conversation (a binding's `instructions`). */
  instructions?: string;
  /** Which tools may run here at all; the agent should not even offer the others. */
  toolPolicy: ToolPolicy;
  session: SessionInfo;
  logger: Logger;
  /** The language of the person the run answers (their platform's, else PINCER_LOCALE), for words the agent writes itself. */
  locale?: Locale;
  /** Resolves once the tool may run or was refused; never throws for a denial. */
  requestApproval(request: ApprovalRequest): Promise<ApprovalDecision>;
  /** Throws BridgeError("budget-exceeded") when a daily cap is reached: call before every model call. */
  checkBudget(): Promise<void>;
  /** Replaces the session summary, which now covers the messages up to `throughSeq`. */
  saveSummary(summary: string, throughSeq: number): Promise<void>;
  /** Writes to the run's audit trail (tool calls, decisions, results). */
  audit(kind: string, detail: Record<string, unknown>): Promise<void>;
  memory?: AgentMemory;
  knowledge?: AgentKnowledge;
  /** Present where scheduled jobs are on (the gateway). */
  jobs?: AgentJobs;
}

export interface Agent {
  id: string;
  /** Images reach it as pictures; otherwise stage 5 reads their text by OCR. */
  acceptsImages: boolean;
  /** The model behind the agent, for `/status`; none for the built-in agent. */
  model?: string;
  run(input: AgentInput, context: AgentContext): AsyncIterable<AgentEvent>;
}
