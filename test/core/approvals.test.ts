import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApprovals, type PendingRequest } from "../../core/approvals.ts";
import { createDelivery } from "../../core/delivery.ts";
import { createMetrics } from "../../core/metrics.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { recordingAdapter, silentLogger } from "../support/responder.ts";

const group: ConversationRef = { platform: "fake", chatId: "g1", kind: "group" };
const adminDm: ConversationRef = { platform: "fake", chatId: "d-boss", kind: "direct" };

function setUp(options: { ttlMs?: number; pollMs?: number } = {}) {
  const store = createSqliteStore(":memory:");
  const fake = recordingAdapter();
  const delivery = createDelivery({
    adapters: new Map([["fake", fake.adapter]]), outbox: store.outbox, logger: silentLogger, metrics: createMetrics(async () => 0),
  });
  const deps = {
    approvals: store.approvals, contacts: store.contacts, delivery, admins: ["fake:boss"], logger: silentLogger,
    attachmentDir: mkdtempSync(join(tmpdir(), "pincer-approvals-")), ...options,
  };
  const approvals = createApprovals(deps);
  const ask = (signal = new AbortController().signal): PendingRequest => ({
    conversation: group, requesterRef: "fake:guest", requesterRole: "member", signal,
    request: { toolName: "shell", summary: "rm -rf build", risk: "exec" as const },
  });
  /** The id shown in the request's first message. */
  const shownId = () => /\/approve (\w+)/.exec(fake.sends()[0]!.text)?.[1] ?? fake.calls.map((call) => call.text).join();
  return { store, fake, approvals, ask, shownId, deps };
}

const waitFor = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe("approvals", () => {
  it("asks in the chat, and the run goes on once an admin approves there", async () => {
    const { fake, approvals, ask, shownId } = setUp();
    const decision = approvals.request(ask());
    await waitFor(() => fake.sends().length > 0);
    const id = shownId();
    expect(await approvals.decide({ requestId: id, isApproved: true, isAlways: false, approverRef: "fake:boss", approverRole: "admin", from: group }))
      .toBe("Approved: shell runs now.");
    expect(await decision).toEqual({ isApproved: true, decidedBy: "fake:boss", isAlways: false });
  });

  it("refuses a member's approval, but takes the requester's own denial", async () => {
    const { fake, approvals, ask, shownId } = setUp();
    const decision = approvals.request(ask());
    await waitFor(() => fake.sends().length > 0);
    const id = shownId();
    const member = { requestId: id, isAlways: false, approverRole: "member" as const, from: group };
    expect(await approvals.decide({ ...member, isApproved: true, approverRef: "fake:guest" })).toBe("Only an admin can approve this request.");
    expect(await approvals.decide({ ...member, isApproved: false, approverRef: "fake:guest" })).toBe("Denied: shell will not run.");
    expect(await decision).toMatchObject({ isApproved: false, decidedBy: "fake:guest" });
  });

  it("also asks the admins in their DMs when a member's request needs them", async () => {
    const { store, fake, approvals, ask } = setUp();
    await store.contacts.remember("fake:boss", adminDm, 0);
    const controller = new AbortController();
    const decision = approvals.request(ask(controller.signal));
    await waitFor(() => fake.sends().length >= 2);
    expect(fake.sends()).toHaveLength(2);
    controller.abort();
    expect(await decision).toMatchObject({ isApproved: false, decidedBy: "the stop of this run" });
  });

  it("counts a request nobody decided in time as denied", async () => {
    const { approvals, ask } = setUp({ ttlMs: 30 });
    expect(await approvals.request(ask())).toMatchObject({ isApproved: false, decidedBy: expect.stringContaining("expired") });
  });

  it("picks up a decision another process wrote to the store", async () => {
    const { fake, approvals, ask, shownId, store } = setUp({ pollMs: 10 });
    const decision = approvals.request(ask());
    await waitFor(() => fake.sends().length > 0);
    await store.approvals.settle(shownId(), "approved", "fake:boss", Date.now());
    expect(await decision).toMatchObject({ isApproved: true, decidedBy: "fake:boss" });
  });

  it("answers a decision for an unknown id, or one from another chat, without changing anything", async () => {
    const { fake, approvals, ask, shownId } = setUp();
    const controller = new AbortController();
    const decision = approvals.request(ask(controller.signal));
    await waitFor(() => fake.sends().length > 0);
    const elsewhere = { platform: "fake", chatId: "g2", kind: "group" } as const;
    expect(await approvals.decide({ requestId: "nope1", isApproved: true, isAlways: false, approverRef: "fake:boss", approverRole: "admin", from: group }))
      .toBe("No approval request with id nope1.");
    expect(await approvals.decide({ requestId: shownId(), isApproved: true, isAlways: false, approverRef: "fake:boss", approverRole: "admin", from: elsewhere }))
      .toContain("can only be decided in the chat where it was asked");
    controller.abort();
    expect(await decision).toMatchObject({ isApproved: false });
  });
});
