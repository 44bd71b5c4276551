import { describe, expect, it } from "vitest";
import { checkWindow, closeWindow, openWindow, partsToDeliver, sentBefore, useSend, withWaitingCue } from "../../../adapters/kit/reply-window.ts";

const limits = { contextTokenTtlMs: 240_000, sendsPerMessage: 3 };

describe("the reply window", () => {
  it("is closed until the user has written", () => {
    expect(checkWindow(undefined, 0, limits)).toEqual({ isOpen: false, reason: "no-token" });
  });

  it("stays open for the token's lifetime and goes stale after it (fake clock)", () => {
    let clock = 1_000_000;
    const window = openWindow(undefined, "ctx-1", clock);
    expect(checkWindow(window, clock, limits)).toEqual({ isOpen: true, sendsLeft: 3 });
    clock += 239_999;
    expect(checkWindow(window, clock, limits).isOpen).toBe(true);
    clock += 1;
    expect(checkWindow(window, clock, limits)).toEqual({ isOpen: false, reason: "stale" });
  });

  it("allows sendsPerMessage sends per inbound message", () => {
    let window = openWindow(undefined, "ctx-1", 0);
    for (let i = 0; i < 3; i += 1) {
      expect(checkWindow(window, 10, limits).isOpen).toBe(true);
      window = useSend(window);
    }
    expect(checkWindow(window, 10, limits)).toEqual({ isOpen: false, reason: "spent" });
  });

  it("a new message opens a fresh window; the same token again (a redelivery) keeps the count", () => {
    const used = useSend(useSend(openWindow(undefined, "ctx-1", 0)));
    expect(openWindow(used, "ctx-1", 50)).toBe(used);
    expect(openWindow(used, "ctx-2", 50)).toEqual({ contextToken: "ctx-2", openedAt: 50, sendsUsed: 0 });
  });

  it("remembers the keyed steps the platform took, across windows, the last ten", () => {
    let window = useSend(openWindow(undefined, "ctx-1", 0), { key: "part-a", step: 1, messageId: "m-a1" });
    window = useSend(window);
    expect(window.sendsUsed).toBe(2);
    expect(sentBefore(window, "part-a", 1)).toBe("m-a1");
    expect(sentBefore(window, "part-a", 0)).toBeUndefined();
    window = openWindow(window, "ctx-2", 50);
    expect(window.sendsUsed).toBe(0);
    expect(sentBefore(window, "part-a", 1)).toBe("m-a1");
    for (let n = 0; n < 10; n += 1) window = useSend(window, { key: "part-b", step: n, messageId: `m-b${n}` });
    expect(sentBefore(window, "part-a", 1)).toBeUndefined();
    expect(window.sentSteps).toHaveLength(10);
    expect(sentBefore(undefined, "part-a", 1)).toBeUndefined();
  });

  it("closes when the server refused a send", () => {
    const window = closeWindow(openWindow(undefined, "ctx-1", 0), limits);
    expect(checkWindow(window, 1, limits)).toEqual({ isOpen: false, reason: "spent" });
  });

  it("delivers parked parts oldest first, as many as the window allows", () => {
    expect(partsToDeliver(5, { isOpen: true, sendsLeft: 3 })).toBe(3);
    expect(partsToDeliver(2, { isOpen: true, sendsLeft: 3 })).toBe(2);
    expect(partsToDeliver(2, { isOpen: false, reason: "stale" })).toBe(0);
    expect(withWaitingCue("hello")).toBe("(a reply that was waiting)\nhello");
  });
});
