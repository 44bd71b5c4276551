import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApprovals, type Approvals } from "../../core/approvals.ts";
import type { Delivery } from "../../core/delivery.ts";
import { createLocalBroadcast, type Broadcast } from "../../core/store/broadcast.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { eventually } from "../support/eventually.ts";
import { silentLogger } from "../support/recording-logger.ts";
import { directChat } from "./fixtures.ts";

let dir: string;
let stores: Store[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pincer-approvals-"));
  stores = [];
});
afterEach(() => {
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One gateway process's approvals on the shared store; `sent` collects what it posted. */
function processOn(pollMs = 20, broadcast?: Broadcast) {
  const store = createSqliteStore(dir);
  stores.push(store);
  const sent: ReplyPart[] = [];
  const delivery: Delivery = {
    send: async (_key, to, part) => {
      sent.push(part);
      return { sent: { conversation: to, messageId: String(sent.length) }, wasSentBefore: false };
    },
    enqueue: async () => {},
    edit: async () => {},
    flushDue: async () => 0,
  };
  const approvals: Approvals = createApprovals({
    approvals: store.approvals, contacts: store.contacts, delivery, admins: [], logger: silentLogger,
    attachmentDir: join(dir, "approvals"), pollMs, ...(broadcast ? { broadcast } : {}),
  });
  return { approvals, sent };
}

const idOf = (part: ReplyPart | undefined) => /\/approve (\w+)/.exec(part?.type === "buttons" ? part.text : "")![1]!;

describe("approvals", () => {
  it("wake the waiting run at once when decided in the same process", async () => {
    const here = processOn(60_000);
    const waiting = here.approvals.request({
      conversation: directChat, requesterRef: "telegram:u1", requesterRole: "admin",
      request: { toolName: "shell", summary: "ls", risk: "exec" }, signal: new AbortController().signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const answer = await here.approvals.decide({
      requestId: idOf(here.sent.at(-1)), isApproved: true, isAlways: false, approverRef: "telegram:u1", approverRole: "admin", from: directChat,
    });
    expect(answer).toContain("Approved");
    expect(await waiting).toMatchObject({ isApproved: true, decidedBy: "telegram:u1" });
  });

  it("resolve a request waiting in one process with a decision taken in another through the store", async () => {
    const here = processOn();
    const there = processOn();
    const waiting = here.approvals.request({
      conversation: directChat, requesterRef: "telegram:u1", requesterRole: "member",
      request: { toolName: "shell", summary: "rm -rf build", risk: "exec" }, signal: new AbortController().signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const answer = await there.approvals.decide({
      requestId: idOf(here.sent.at(-1)), isApproved: false, isAlways: false, approverRef: "telegram:admin", approverRole: "admin", from: directChat,
    });
    expect(answer).toContain("Denied");
    expect(await waiting).toMatchObject({ isApproved: false, decidedBy: "telegram:admin" });
  });

  /**
   * Two processes sharing a broadcast, polling only once a minute: a member's request waits in `here`. `outcome` is the
   * decision the waiting run gets, within a second (far sooner than the poll) or the test fails.
   */
  const waitingAcrossProcesses = async () => {
    const broadcast = createLocalBroadcast();
    const here = processOn(60_000, broadcast);
    const there = processOn(60_000, broadcast);
    const decision = here.approvals.request({
      conversation: directChat, requesterRef: "telegram:u1", requesterRole: "member",
      request: { toolName: "shell", summary: "make deploy", risk: "exec" }, signal: new AbortController().signal,
    });
    await eventually(() => here.sent.length > 0);
    const outcome = Promise.race([decision, new Promise((_, reject) => setTimeout(() => reject(new Error("not woken within 1 s")), 1000))]);
    return { here, there, outcome };
  };

  it("wake a request waiting in one process at once when another process decides it, through the shared broadcast", async () => {
    const { here, there, outcome } = await waitingAcrossProcesses();
    expect(await there.approvals.decide({
      requestId: idOf(here.sent.at(-1)), isApproved: true, isAlways: false, approverRef: "telegram:admin", approverRole: "admin", from: directChat,
    })).toContain("Approved");
    expect(await outcome).toMatchObject({ isApproved: true, decidedBy: "telegram:admin" });
  });

  it("wake a request waiting in one process at once when it is decided in another process's console", async () => {
    const { here, there, outcome } = await waitingAcrossProcesses();
    const result = await there.approvals.decideFromConsole({ requestId: idOf(here.sent.at(-1)), isApproved: false, approverRef: "console:owner" });
    expect(result.type).toBe("decided");
    expect(await outcome).toMatchObject({ isApproved: false, decidedBy: "console:owner" });
  });
});
