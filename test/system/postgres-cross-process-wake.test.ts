import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApprovals } from "../../core/approvals.ts";
import type { Delivery } from "../../core/delivery.ts";
import { createLeaseLocks, createRunningRuns } from "../../core/queue.ts";
import type { Store } from "../../core/store/store.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { directChat } from "../core/fixtures.ts";
import { eventually } from "../support/eventually.ts";
import { postgresFactory, skipReason, testDatabaseUrl } from "../support/postgres.ts";
import { silentLogger } from "../support/recording-logger.ts";

/** Long enough that only the broadcast can have done it within the test's wait. */
const pollMs = 60_000;

// Two gateway processes on one schema, each with its own pool and its own LISTEN connection (its store's broadcast).
describe.skipIf(!testDatabaseUrl)("a /stop and an approval reach the process whose run waits, through LISTEN/NOTIFY", () => {
  const factory = postgresFactory(testDatabaseUrl ?? "");
  let a: Store;
  let b: Store;
  let dir: string;
  beforeEach(async () => {
    a = await factory.open();
    b = await factory.openAnother();
    dir = mkdtempSync(join(tmpdir(), "pincer-wake-"));
  });
  afterEach(async () => {
    await factory.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stops a run held by process A when /stop reaches process B, long before A would poll", async () => {
    const locks = createLeaseLocks({ leases: a.leases, turns: a.turns, holder: "a", logger: silentLogger });
    const runsOnA = createRunningRuns({ leases: a.leases, holder: "a", broadcast: a.broadcast, pollMs, logger: silentLogger });
    const runsOnB = createRunningRuns({ leases: b.leases, holder: "b", broadcast: b.broadcast, pollMs, logger: silentLogger });
    expect(await locks.tryAcquire("telegram:1")).toBeDefined();
    const run = runsOnA.begin("telegram:1");
    await a.broadcast!.ready();
    expect(await runsOnB.stop("telegram:1")).toBe(true);
    await eventually(() => run.signal.aborted, 1000);
    runsOnA.end("telegram:1", run);
    expect(await a.leases.takeStops("a")).toEqual([]);
    await locks.release("telegram:1");
  });

  it("wakes a run waiting on process A when process B decides its approval", async () => {
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
    const approvalsOn = (store: Store) =>
      createApprovals({
        approvals: store.approvals, contacts: store.contacts, delivery, admins: [], logger: silentLogger,
        attachmentDir: join(dir, "approvals"), broadcast: store.broadcast, pollMs,
      });
    let outcome: unknown;
    void approvalsOn(a).request({
      conversation: directChat, requesterRef: "telegram:u1", requesterRole: "member",
      request: { toolName: "shell", summary: "make deploy", risk: "exec" }, signal: new AbortController().signal,
    }).then((decision) => (outcome = decision));
    await eventually(() => sent.length > 0);
    await a.broadcast!.ready();
    const requestId = /\/approve (\w+)/.exec(sent[0]?.type === "buttons" ? sent[0].text : "")![1]!;
    expect(await approvalsOn(b).decide({
      requestId, isApproved: true, isAlways: false, approverRef: "telegram:admin", approverRole: "admin", from: directChat,
    })).toContain("Approved");
    await eventually(() => outcome !== undefined, 1000);
    expect(outcome).toMatchObject({ isApproved: true, decidedBy: "telegram:admin" });
  });
});

describe.skipIf(testDatabaseUrl)("a /stop and an approval across processes on PostgreSQL", () => {
  it.skip(skipReason, () => {});
});
