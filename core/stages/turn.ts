import { randomBytes, randomUUID } from "node:crypto";
import { collectedText, leastTrustedRole } from "../attribution.ts";
import { roleOf, type PolicySettings } from "../policy.ts";
import type { ConversationChoice, Route } from "../router.ts";
import type { InboxRow } from "../store/store.ts";
import type { AgentInput, SessionInfo } from "../types/agent.ts";
import type { ConversationRef } from "../types/conversation.ts";
import { answerTo } from "../types/message.ts";

/** What a user quotes to find a run or an error in the logs. */
export function newRef(): string {
  return randomBytes(4).toString("hex");
}

/** One turn of a conversation as it passes the stages after the queue: plain data. */
export interface Turn {
  /** The audit key of the run (never collides); `ref` is the short id a user quotes. */
  runId: string;
  ref: string;
  conversationKey: string;
  /** The inbox rows it answers, in arrival order. */
  inboxKeys: readonly string[];
  /** The first row's key: every outbox key of the answer starts with it, so a re-run finds what was sent. */
  keyBase: string;
  /** When the first message arrived, and when the turn began. */
  receivedAt: number;
  startedAt: number;
  /** Where the answer goes (the last message's chat and thread). */
  to: ConversationRef;
  input: AgentInput;
  /** The conversation's own choice of agent, read as the turn was claimed (read when it is routed if absent). */
  choice?: ConversationChoice;
}

/** A turn with its agent chosen and its attachments understood. */
export interface RoutedTurn extends Turn {
  route: Route;
}

/** A routed turn with its session open and its run recorded. */
export interface PreparedTurn extends RoutedTurn {
  session: SessionInfo;
}

/** How a turn ended. `interrupted`: cut short by a shutdown, its rows stay unfinished for the next start. */
export type TurnOutcome = { type: "ok" } | { type: "stopped" } | { type: "interrupted" } | { type: "error"; detail: string };

/** The claimed rows as one turn: messages collected while a run was busy reach the agent together, attributed. */
export function beginTurn(rows: readonly InboxRow[], policy: PolicySettings, startedAt: number, choice?: ConversationChoice): Turn {
  const messages = rows.map((row) => row.message);
  const first = rows[0]!;
  const last = messages.at(-1)!;
  return {
    runId: randomUUID(),
    ref: newRef(),
    conversationKey: first.conversationKey,
    inboxKeys: rows.map((row) => row.key),
    keyBase: first.key,
    receivedAt: first.receivedAt,
    startedAt,
    to: answerTo(last),
    input: {
      text: collectedText(messages),
      attachments: messages.flatMap((message) => message.attachments),
      conversation: messages[0]!.conversation,
      sender: last.sender,
      senderRole: leastTrustedRole(messages.map((message) => roleOf(message, policy))),
      images: [],
    },
    ...(choice ? { choice } : {}),
  };
}
