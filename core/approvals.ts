import { randomInt } from "node:crypto";
import { announceApproval, canApprove } from "./approval-announce.ts";
import { createApprovalWaiters, decisionOf, type ApprovalWaiters } from "./approval-waiters.ts";
import type { Delivery } from "./delivery.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "./i18n/catalogue.ts";
import type { Broadcast } from "./store/broadcast.ts";
import type { AdapterStateStore } from "./store/shared-state.ts";
import type { Role } from "./policy.ts";
import type { ApprovalRecord, ApprovalStore, ContactStore } from "./store/store.ts";
import type { ApprovalDecision, ApprovalRequest } from "./types/agent.ts";
import type { ConversationRef } from "./types/conversation.ts";
import type { Logger } from "./types/logger.ts";
import { channelOf } from "./types/conversation.ts";

export interface ApprovalsDeps {
  approvals: ApprovalStore;
  contacts: ContactStore;
  delivery: Delivery;
  /** `channelId:userId` of the admins, who are also asked in their DMs when a member's request needs them. */
  admins: readonly string[];
  logger: Logger;
  /** Where the files that go with a request (long arguments, file contents) are written before they are sent. */
  attachmentDir: string;
  ttlMs?: number;
  /** PINCER_LOCALE, the language of requests to people whose own is not known (default `en`). */
  locale?: Locale;
  /** Where each person's language, as last seen, is kept (an admin asked in their DM reads their own). */
  adapterState?: AdapterStateStore;
  /** Reaches the other processes on the store: a decision taken there wakes a run waiting here at once. */
  broadcast?: Broadcast | undefined;
  /**
   * How often a waiting run re-reads the store, for a decision taken by another gateway process: the only way it
   * arrives without a broadcast (default 1 s), a fallback for missed notices with one (default 5 s).
   */
  pollMs?: number;
  now?: () => number;
}

export interface PendingRequest {
  conversation: ConversationRef;
  requesterRef: string;
  requesterRole: Role;
  request: ApprovalRequest;
  signal: AbortSignal;
  /** The requester's language, for the request in their chat (else as last seen, else the default). */
  locale?: Locale;
  /** The run that asks (recorded with the request, so the console shows it under that run). */
  runRef?: string | undefined;
}

export interface Decision {
  requestId: string;
  isApproved: boolean;
  /** `/approve <id> always`: taken only when the request offered a standing answer. */
  isAlways: boolean;
  approverRef: string;
  approverRole: Role;
  /** The chat the decision came from: it counts only there or in an admin's direct chat with the bot. */
  from: ConversationRef;
  /** The language of the answer to whoever decided. */
  locale?: Locale;
}

/** What a decision taken in the console came to. */
export type ConsoleDecisionResult =
  | { type: "decided"; record: ApprovalRecord }
  | { type: "not-found" }
  | { type: "already-decided"; record: ApprovalRecord }
  | { type: "expired"; record: ApprovalRecord };

export interface Approvals {
  /** Asks in the chat and waits for a decision, the expiry (a denial) or the run's stop (a denial). */
  request(pending: PendingRequest): Promise<ApprovalDecision>;
  /** `/approve <id>`, `/deny <id>` or a button: returns the answer for the person who decided. */
  decide(decision: Decision): Promise<string>;
  /**
   * A decision from the admin console, whose user holds the admin token (the owner's): it counts for any chat's
   * request, is recorded with `approverRef` (`console:<name>`) and wakes the waiting run like a decision in the chat.
   */
  decideFromConsole(decision: { requestId: string; isApproved: boolean; approverRef: string }): Promise<ConsoleDecisionResult>;
}

const idAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

function newApprovalId(): string {
  return Array.from({ length: 5 }, () => idAlphabet[randomInt(idAlphabet.length)]).join("");
}


/** Where a decision counts: the chat the request was announced in (any thread of it), or an admin's DM with the bot. */
function isDecidedInPlace(record: ApprovalRecord, decision: Decision): boolean {
  const { from } = decision;
  const isSameChat = channelOf(from) === channelOf(record.conversation) && from.chatId === record.conversation.chatId;
  return isSameChat || (from.kind === "direct" && canApprove(decision.approverRole));
}

interface Timing {
  now: () => number;
  ttlMs: number;
  pollMs: number;
}

/** Waits for the decision: taken here or elsewhere (a notice, else the poll), the expiry or the run's stop (denials). */
function waitForDecision(record: ApprovalRecord, pending: PendingRequest, deps: ApprovalsDeps, waiters: ApprovalWaiters, timing: Timing): Promise<ApprovalDecision> {
  const { now, ttlMs } = timing;
  return new Promise<ApprovalDecision>((resolve) => {
    let poll: NodeJS.Timeout | undefined;
    let expiry: NodeJS.Timeout | undefined;
    const finish = (decision: ApprovalDecision) => {
      clearInterval(poll);
      clearTimeout(expiry);
      pending.signal.removeEventListener("abort", onAbort);
      waiters.remove(record.id);
      resolve(decision);
    };
    const settleAs = async (status: "expired" | "cancelled", by: string) => {
      if (await deps.approvals.settle(record.id, status, by, now())) return waiters.settled(record.id, { isApproved: false, decidedBy: by });
      const stored = await deps.approvals.get(record.id);
      finish((stored && decisionOf(stored)) ?? { isApproved: false, decidedBy: by });
    };
    const onAbort = () => void settleAs("cancelled", "the stop of this run");
    waiters.add(record.id, finish);
    pending.signal.addEventListener("abort", onAbort, { once: true });
    expiry = setTimeout(() => void settleAs("expired", `nobody within ${Math.round(ttlMs / 60_000)} min (expired)`), ttlMs);
    poll = setInterval(() => {
      void waiters.recheck(record.id).catch((error: unknown) => deps.logger.warn({ err: error, approval: record.id }, "reading a waiting approval failed"));
    }, timing.pollMs);
    if (pending.signal.aborted) onAbort();
  });
}

/** `/approve <id>`, `/deny <id>` or a button: checks where and by whom, settles it once, wakes the waiting run. */
async function decideApproval(decision: Decision, deps: ApprovalsDeps, waiters: ApprovalWaiters, now: () => number): Promise<string> {
  const t = (key: MessageKey, params?: MessageParams) => translate(decision.locale ?? deps.locale ?? "en", key, params);
  const record = await deps.approvals.get(decision.requestId);
  if (!record) return t("approvals.unknown", { id: decision.requestId });
  if (!isDecidedInPlace(record, decision)) {
    deps.logger.warn({ approval: record.id, by: decision.approverRef }, "approval refused: decided from another chat");
    return t("approvals.wrongPlace", { id: record.id });
  }
  if (record.status !== "pending") return t("approvals.alreadyStatus", { id: record.id, status: t(`approvals.status.${record.status}`) });
  if (now() >= record.expiresAt) {
    if (await deps.approvals.settle(record.id, "expired", "expiry", now())) await waiters.settled(record.id, { isApproved: false, decidedBy: "expiry" });
    return t("approvals.expired", { id: record.id });
  }
  const isOwnDenial = !decision.isApproved && decision.approverRef === record.requesterRef;
  if (!canApprove(decision.approverRole) && !isOwnDenial) {
    deps.logger.warn({ approval: record.id, by: decision.approverRef }, "approval refused: not an admin");
    return t(decision.isApproved ? "approvals.notAllowedApprove" : "approvals.notAllowedDeny");
  }
  const status = decision.isApproved ? "approved" : "denied";
  if (!(await deps.approvals.settle(record.id, status, decision.approverRef, now(), decision.isAlways))) {
    return t("approvals.alreadyDecided", { id: record.id });
  }
  await waiters.settled(record.id, { isApproved: decision.isApproved, decidedBy: decision.approverRef, isAlways: decision.isAlways });
  const answer = decision.isApproved ? (decision.isAlways ? "approvals.approvedAlways" : "approvals.approved") : decision.isAlways ? "approvals.deniedAlways" : "approvals.denied";
  return t(answer, { tool: record.tool });
}

async function decideFromConsole(
  decision: { requestId: string; isApproved: boolean; approverRef: string },
  deps: ApprovalsDeps,
  waiters: ApprovalWaiters,
  now: () => number,
): Promise<ConsoleDecisionResult> {
  const record = await deps.approvals.get(decision.requestId);
  if (!record) return { type: "not-found" };
  if (record.status !== "pending") return { type: "already-decided", record };
  if (now() >= record.expiresAt) {
    if (await deps.approvals.settle(record.id, "expired", "expiry", now())) await waiters.settled(record.id, { isApproved: false, decidedBy: "expiry" });
    return { type: "expired", record: { ...record, status: "expired", decidedBy: "expiry" } };
  }
  const status = decision.isApproved ? "approved" : "denied";
  if (!(await deps.approvals.settle(record.id, status, decision.approverRef, now()))) {
    const settled = await deps.approvals.get(record.id);
    return { type: "already-decided", record: settled ?? record };
  }
  deps.logger.info({ approval: record.id, by: decision.approverRef, status }, "approval decided in the console");
  await waiters.settled(record.id, { isApproved: decision.isApproved, decidedBy: decision.approverRef, isAlways: false });
  return { type: "decided", record: { ...record, status, decidedBy: decision.approverRef } };
}

/**
 * Approvals in the chat itself. The store holds the truth (a request is decided once, and expires); a decision
 * wakes the run waiting for it at once, in this process directly, in another through the broadcast (or its poll).
 */
export function createApprovals(deps: ApprovalsDeps): Approvals {
  const pollMs = deps.pollMs ?? (deps.broadcast ? 5_000 : 1000);
  const timing: Timing = { now: deps.now ?? Date.now, ttlMs: deps.ttlMs ?? 10 * 60 * 1000, pollMs };
  const { now, ttlMs } = timing;
  const waiters = createApprovalWaiters({ approvals: deps.approvals, broadcast: deps.broadcast, logger: deps.logger });
  return {
    async request(pending) {
      const record: ApprovalRecord = {
        id: newApprovalId(),
        conversation: pending.conversation,
        requesterRef: pending.requesterRef,
        tool: pending.request.toolName,
        summary: pending.request.summary,
        status: "pending",
        createdAt: now(),
        expiresAt: now() + ttlMs,
        decidedBy: undefined,
        isAlways: false,
        ...(pending.runRef ? { runRef: pending.runRef } : {}),
      };
      await deps.approvals.create(record);
      await announceApproval(record, pending, { ...deps, now }, ttlMs);
      return waitForDecision(record, pending, deps, waiters, timing);
    },
    decide: (decision) => decideApproval(decision, deps, waiters, now),
    decideFromConsole: (decision) => decideFromConsole(decision, deps, waiters, now),
  };
}
