import { createNeededSubscription, type Broadcast } from "./store/broadcast.ts";
import type { ApprovalRecord, ApprovalStore } from "./store/store.ts";
import type { ApprovalDecision } from "./types/agent.ts";
import type { Logger } from "./types/logger.ts";

/** The broadcast topic of a settled approval request: its payload is the request's id. */
export const approvalDecidedTopic = "approval-decided";

/** A stored request's outcome, or undefined while it is pending. */
export function decisionOf(record: ApprovalRecord): ApprovalDecision | undefined {
  switch (record.status) {
    case "pending":
      return undefined;
    case "approved":
      return { isApproved: true, decidedBy: record.decidedBy ?? "unknown", isAlways: record.isAlways };
    default:
      return { isApproved: false, decidedBy: record.decidedBy ?? record.status, isAlways: record.isAlways };
  }
}

/**
 * The runs of this process that wait for a decision. One taken here wakes its run directly; one taken in another
 * process is announced on the broadcast, and the process whose run waits reads it from the store at once.
 */
export interface ApprovalWaiters {
  add(id: string, finish: (decision: ApprovalDecision) => void): void;
  remove(id: string): void;
  /** After the store settled `id` here: wakes its run if it waits here, and tells the other processes. */
  settled(id: string, decision: ApprovalDecision): Promise<void>;
  /** Reads the request and wakes its run here once it is decided (a notice, or the poll for missed ones). */
  recheck(id: string): Promise<void>;
}

export interface ApprovalWaitersDeps {
  approvals: ApprovalStore;
  broadcast?: Broadcast | undefined;
  logger: Logger;
}

export function createApprovalWaiters(deps: ApprovalWaitersDeps): ApprovalWaiters {
  const waiting = new Map<string, (decision: ApprovalDecision) => void>();
  const recheck = async (id: string) => {
    if (!waiting.has(id)) return;
    const stored = await deps.approvals.get(id);
    const decision = stored && decisionOf(stored);
    if (decision) waiting.get(id)?.(decision);
  };
  const notices = createNeededSubscription(deps.broadcast, approvalDecidedTopic, (id) => {
    void recheck(id).catch((error: unknown) => deps.logger.warn({ err: error, approval: id }, "reading a decided approval failed"));
  });
  return {
    add(id, finish) {
      waiting.set(id, finish);
      notices.setNeeded(true);
    },
    remove(id) {
      waiting.delete(id);
      notices.setNeeded(waiting.size > 0);
    },
    async settled(id, decision) {
      waiting.get(id)?.(decision);
      await deps.broadcast?.publish(approvalDecidedTopic, id).catch((error: unknown) => {
        deps.logger.warn({ err: error, approval: id }, "announcing a decision failed; a waiting process finds it at its next poll");
      });
    },
    recheck,
  };
}
