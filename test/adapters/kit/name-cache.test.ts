import { describe, expect, it } from "vitest";
import { createNameCache } from "../../../adapters/kit/name-cache.ts";
import { silentLogger as silent } from "../../support/recording-logger.ts";

describe("a name cache", () => {
  it("looks each person up once, and keeps the id when the lookup fails, finds nothing or is slow", async () => {
    const asked: string[] = [];
    const names = createNameCache(
      async (userId) => {
        asked.push(userId);
        if (userId === "UBROKEN") throw new Error("user_not_found");
        if (userId === "USLOW") return new Promise<string>(() => undefined);
        return userId === "UANN" ? "Ann Lee" : undefined;
      },
      silent,
      { timeoutMs: 50 },
    );
    expect(await names("UANN")).toBe("Ann Lee");
    expect(await names("UANN")).toBe("Ann Lee");
    expect(await names("UNOBODY")).toBe("UNOBODY");
    expect(await names("UBROKEN")).toBe("UBROKEN");
    expect(await names("USLOW")).toBe("USLOW");
    expect(asked).toEqual(["UANN", "UNOBODY", "UBROKEN", "USLOW"]);
  });
});
