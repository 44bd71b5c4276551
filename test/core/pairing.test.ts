import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newPairingCode, pairingReply } from "../../core/pairing.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import { message } from "./fixtures.ts";

const minute = 60_000;
const start = 1_700_000_000_000;
const codeShape = /^[A-HJ-NP-Z2-9]{8}$/;

function codeIn(reply: string | undefined): string {
  const match = /\*\*([A-Z0-9]+)\*\*/.exec(reply ?? "");
  if (!match) throw new Error(`no code in reply: ${reply}`);
  return match[1]!;
}

let store: Store;
beforeEach(() => {
  store = createSqliteStore(":memory:");
});
afterEach(() => store.close());

describe("pairing codes", () => {
  it("are 8 characters from A-Z and 2-9 without look-alikes", () => {
    for (let index = 0; index < 500; index += 1) expect(newPairingCode()).toMatch(codeShape);
  });

  it("are sent with the command that approves them", async () => {
    const reply = await pairingReply(store.pairing, message(), start);
    const code = codeIn(reply);
    expect(code).toMatch(codeShape);
    expect(reply).toContain(`pairing approve telegram ${code}`);
  });
});

describe("a sender who writes again within the hour", () => {
  it("gets the same code, at most once every 10 minutes", async () => {
    const code = codeIn(await pairingReply(store.pairing, message(), start));
    expect(await pairingReply(store.pairing, message(), start + 1 * minute)).toBeUndefined();
    expect(await pairingReply(store.pairing, message(), start + 9 * minute)).toBeUndefined();
    expect(codeIn(await pairingReply(store.pairing, message(), start + 10 * minute))).toBe(code);
    expect(await pairingReply(store.pairing, message(), start + 15 * minute)).toBeUndefined();
    expect(codeIn(await pairingReply(store.pairing, message(), start + 21 * minute))).toBe(code);
  });
});

describe("an expired code", () => {
  it("is replaced by a new one when the sender writes after the hour", async () => {
    const first = codeIn(await pairingReply(store.pairing, message(), start));
    const second = codeIn(await pairingReply(store.pairing, message(), start + 61 * minute));
    expect(second).toMatch(codeShape);
    expect(second).not.toBe(first);
    expect(await store.pairing.approve("telegram", first, start + 62 * minute)).toBeUndefined();
  });

  it("can no longer be approved", async () => {
    const code = codeIn(await pairingReply(store.pairing, message(), start));
    expect(await store.pairing.approve("telegram", code, start + 61 * minute)).toBeUndefined();
  });
});

describe("approving a code", () => {
  it("works once and removes the request from the pending list", async () => {
    const code = codeIn(await pairingReply(store.pairing, message(), start));
    expect((await store.pairing.listPending(start + minute)).map((request) => request.code)).toEqual([code]);

    const approved = await store.pairing.approve("telegram", code, start + 2 * minute);
    expect(approved).toMatchObject({ platform: "telegram", userId: "u1", displayName: "Ada", approvedAt: start + 2 * minute });
    expect(await store.pairing.approve("telegram", code, start + 3 * minute)).toBeUndefined();
    expect(await store.pairing.listPending(start + 3 * minute)).toEqual([]);
  });

  it("accepts the code typed in lower case", async () => {
    const code = codeIn(await pairingReply(store.pairing, message(), start));
    expect(await store.pairing.approve("telegram", code.toLowerCase(), start + minute)).toBeDefined();
  });

  it("fails for another platform", async () => {
    const code = codeIn(await pairingReply(store.pairing, message(), start));
    expect(await store.pairing.approve("slack", code, start + minute)).toBeUndefined();
    expect(await store.pairing.listPending(start + minute)).toHaveLength(1);
  });
});
