import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StoreFactory, usingStore } from "./factory.ts";

/** Rolling-window counters shared by the processes on the store. */
export function describeRateLimitsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: rate limits`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });
    const takes = async (take: () => Promise<boolean>, count: number) => {
      const results: boolean[] = [];
      for (let index = 0; index < count; index += 1) results.push(await take());
      return results;
    };

    it("allows takes up to the limit in the window, then refuses", async () => {
      const { rateLimits } = store();
      expect(await takes(() => rateLimits.take("k", 3, 60_000), 5)).toEqual([true, true, true, false, false]);
    });

    it("counts each key apart", async () => {
      const { rateLimits } = store();
      expect(await takes(() => rateLimits.take("a", 2, 60_000), 3)).toEqual([true, true, false]);
      expect(await takes(() => rateLimits.take("b", 2, 60_000), 3)).toEqual([true, true, false]);
    });

    it("refuses every take with a limit of 0", async () => {
      const { rateLimits } = store();
      expect(await rateLimits.take("k", 0, 60_000)).toBe(false);
    });

    it("allows takes again once the earlier ones left the window, and a refusal counts nothing", async () => {
      const { rateLimits } = store();
      expect(await takes(() => rateLimits.take("k", 2, 300), 2)).toEqual([true, true]);
      await sleep(150);
      // Refused while the window is full: had it counted, the slot would not come back at 300 ms.
      expect(await rateLimits.take("k", 2, 300)).toBe(false);
      await sleep(200);
      expect(await takes(() => rateLimits.take("k", 2, 300), 3)).toEqual([true, true, false]);
    });

    it("slides: a slot comes back when its own take leaves the window, not all at once", async () => {
      const { rateLimits } = store();
      expect(await rateLimits.take("k", 2, 600)).toBe(true);
      await sleep(350);
      expect(await rateLimits.take("k", 2, 600)).toBe(true);
      await sleep(300);
      // The first take left the window, the second has not (300 ms to spare on a slow machine).
      expect(await takes(() => rateLimits.take("k", 2, 600), 2)).toEqual([true, false]);
    });

    it("never allows more than the limit to processes taking at once", async () => {
      const first = store();
      const second = await factory.openAnother();
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? first : second).rateLimits.take("shared", 7, 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(7);
      expect(await second.rateLimits.take("shared", 7, 60_000)).toBe(false);
      expect(await first.rateLimits.take("shared", 8, 60_000)).toBe(true);
    });
  });
}
