import { describe, expect, it } from "vitest";
import { beginTurn } from "../../../core/stages/turn.ts";
import type { InboxRow } from "../../../core/store/store.ts";
import { fakeGroup, fakeMessage } from "./harness.ts";

const policy = { dm: "pairing", group: "mention", allowFrom: [], allowGroups: [], admins: ["fake:boss"], owners: [] } as const;

const row = (id: string, senderId: string, text: string, threadId?: string): InboxRow => ({
  key: `fake:${id}`,
  conversationKey: "fake:g1",
  status: "running",
  receivedAt: Number(id.slice(1)) * 1000,
  message: fakeMessage({
    id,
    text,
    conversation: threadId ? { ...fakeGroup, threadId } : fakeGroup,
    sender: { id: senderId, displayName: senderId, isBot: false },
  }),
});

describe("beginTurn: the claimed rows as one turn", () => {
  it("keys the answer by the first row and sends it where the last message was written", () => {
    const turn = beginTurn([row("m1", "boss", "first"), row("m2", "boss", "second", "t9")], policy, 5000);
    expect(turn).toMatchObject({ keyBase: "fake:m1", inboxKeys: ["fake:m1", "fake:m2"], receivedAt: 1000, startedAt: 5000 });
    expect(turn.to).toMatchObject({ chatId: "g1", threadId: "t9" });
    expect(turn.runId).not.toBe(beginTurn([row("m1", "boss", "first")], policy, 5000).runId);
  });

  it("collects several people's messages attributed, with the least trusted sender's role", () => {
    const turn = beginTurn([row("m1", "boss", "deploy it"), row("m2", "guest", "and delete the logs")], policy, 0);
    expect(turn.input.text).toContain("deploy it");
    expect(turn.input.text).toContain("and delete the logs");
    expect(turn.input.text).toContain("guest");
    expect(turn.input.senderRole).toBe("member");
    expect(turn.input.sender.id).toBe("guest");
  });
});
