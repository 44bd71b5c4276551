import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Broadcast } from "../../../../core/store/broadcast.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function listen(broadcast: Broadcast, topic: string) {
  const received: string[] = [];
  const unsubscribe = broadcast.subscribe(topic, (payload) => received.push(payload));
  return { received, unsubscribe };
}

/** Publish/subscribe between the processes on one store (in one process for SQLite, which one process owns). */
export function describeBroadcastContract(name: string, factory: StoreFactory): void {
  describe(`${name}: broadcast`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("delivers what is published on a topic to its subscribers, in order, and nothing of other topics", async () => {
      const broadcast = store().broadcast!;
      const chat = listen(broadcast, "web:events");
      const other = listen(broadcast, "other");
      await broadcast.ready();
      for (const payload of ["one", "two", "three"]) await broadcast.publish("web:events", payload);
      await until(() => chat.received.length === 3, "three payloads");
      expect(chat.received).toEqual(["one", "two", "three"]);
      expect(other.received).toEqual([]);
    });

    it("delivers a payload far over one notification's 8000 bytes whole, surrogate pairs and all", async () => {
      const broadcast = store().broadcast!;
      const chat = listen(broadcast, "web:events");
      await broadcast.ready();
      const large = JSON.stringify({ text: `${"长文本🦀".repeat(6_000)}end` });
      await broadcast.publish("web:events", large);
      await broadcast.publish("web:events", "small after");
      await until(() => chat.received.length === 2, "both payloads");
      expect(chat.received[0]).toBe(large);
      expect(chat.received[1]).toBe("small after");
    });

    it("stops delivering to a subscriber that unsubscribed", async () => {
      const broadcast = store().broadcast!;
      const gone = listen(broadcast, "web:events");
      const staying = listen(broadcast, "web:events");
      await broadcast.ready();
      gone.unsubscribe();
      await broadcast.publish("web:events", "after");
      await until(() => staying.received.length === 1, "the payload");
      expect(gone.received).toEqual([]);
    });

    it("reaches the subscribers of another process on a shared store", async (context) => {
      if (!store().isShared) return context.skip();
      const other = await factory.openAnother();
      const there = listen(other.broadcast!, "web:events");
      await other.broadcast!.ready();
      await store().broadcast!.publish("web:events", "from the first process");
      await until(() => there.received.length === 1, "the payload in the other process");
      expect(there.received).toEqual(["from the first process"]);
    });
  });
}
