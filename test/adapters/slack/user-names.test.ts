import { describe, expect, it } from "vitest";
import { createUserNames } from "../../../adapters/slack/user-names.ts";
import type { Logger } from "../../../core/types/logger.ts";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe("Slack user names", () => {
  it("prefers the display name, asks once per person, and keeps the id when users.info fails or is slow", async () => {
    const asked: string[] = [];
    const names = createUserNames(
      async (userId) => {
        asked.push(userId);
        if (userId === "UBROKEN") throw new Error("user_not_found");
        if (userId === "USLOW") return new Promise(() => undefined);
        return { user: { name: "ann", real_name: "Ann Lee", profile: { display_name: "", real_name: "Ann Lee" } } };
      },
      silent,
      { timeoutMs: 50 },
    );
    expect(await names("UANN")).toBe("Ann Lee");
    expect(await names("UANN")).toBe("Ann Lee");
    expect(await names("UBROKEN")).toBe("UBROKEN");
    expect(await names("USLOW")).toBe("USLOW");
    expect(asked).toEqual(["UANN", "UBROKEN", "USLOW"]);
  });
});
