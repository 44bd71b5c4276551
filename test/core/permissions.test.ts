import { describe, expect, it } from "vitest";
import { decidePermission } from "../../core/permissions.ts";
import { route } from "../../core/router.ts";

const settings = { isOwnerAutoApproved: false };

describe("tools that only read", () => {
  it("run without asking in a direct chat, and ask in a group", () => {
    expect(decidePermission("member", "read", settings, { isGroup: false, isAutoApproved: false })).toBe("run");
    expect(decidePermission("member", "read", settings, { isGroup: true, isAutoApproved: false })).toBe("ask");
    expect(decidePermission("admin", "read", settings, { isGroup: true, isAutoApproved: false })).toBe("ask");
  });

  it("run without asking in a group whose binding auto-approves them; other risks still ask", () => {
    expect(decidePermission("member", "read", settings, { isGroup: true, isAutoApproved: true })).toBe("run");
    expect(decidePermission("member", "exec", settings, { isGroup: true, isAutoApproved: true })).toBe("ask");
    expect(decidePermission("member", "write", settings, { isGroup: false, isAutoApproved: true })).toBe("ask");
  });

  it("take autoApprove from the matching binding, whatever the agent", () => {
    const routing = { defaultAgent: "llm", bindings: [{ match: { chatId: "team" }, agent: "acp", autoApprove: ["read_file"] }] };
    const team = { platform: "telegram", chatId: "team", kind: "group" as const };
    expect(route(routing, team, "telegram:u1").autoApprove).toEqual(["read_file"]);
    expect(route(routing, { ...team, chatId: "other" }, "telegram:u1").autoApprove).toEqual([]);
  });
});
