import { describe, expect, it } from "vitest";
import { createUpdateMapper, planLine, toolStatusLine, type ToolCallState } from "../../../agents/acp/updates.ts";

const cwd = "/home/me/project";
const tool = (state: Partial<ToolCallState>): ToolCallState => ({ title: "", kind: undefined, locations: [], rawInput: undefined, ...state });

describe("tool status lines", () => {
  it.each([
    [tool({ kind: "edit", title: "Edit", locations: [{ path: `${cwd}/api/users.ts` }] }), "✏️ editing api/users.ts"],
    [tool({ kind: "execute", title: "`npm test`", rawInput: { command: "npm test" } }), "⚙️ running npm test"],
    [tool({ kind: "execute", title: "Run", rawInput: { command: ["bash", "-lc", "make"] } }), "⚙️ running bash -lc make"],
    [tool({ kind: "read", title: "Read", locations: [{ path: `${cwd}/a.ts` }, { path: `${cwd}/b.ts` }] }), "📖 reading a.ts and 1 more"],
    [tool({ kind: "read", title: "Read /etc/hosts", locations: [{ path: "/etc/hosts" }] }), "📖 reading /etc/hosts"],
    [tool({ kind: "fetch", title: "Fetch", rawInput: { url: "https://example.com" } }), "🌐 fetching https://example.com"],
    [tool({ kind: "search", title: "grep", rawInput: { pattern: "TODO" } }), "🔍 searching TODO"],
    [tool({ kind: "delete", title: "Delete old.ts" }), "🗑️ Delete old.ts"],
    [tool({ kind: "think", title: "" }), "💭 thinking"],
    [tool({ title: "mcp__github__create_issue" }), "🔧 mcp__github__create_issue"],
  ])("%o → %s", (state, line) => {
    expect(toolStatusLine(state, cwd)).toBe(line);
  });
});

describe("plan checklists", () => {
  it("puts the count first and shortens long steps", () => {
    const line = planLine([
      { content: "a step whose description goes on and on for quite a while", priority: "high", status: "completed" },
      { content: "next", priority: "low", status: "pending" },
    ]);
    expect(line).toBe("📋 1/2 done: ✅ a step whose description goes on and on… · ⬜ next");
  });
});

describe("session updates as chat events", () => {
  it("streams text, merges tool call updates, and repeats no status", () => {
    const mapper = createUpdateMapper(cwd);
    expect(mapper.map({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: "Hi" } })).toEqual([{ type: "text-delta", text: "Hi" }]);
    expect(mapper.map({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: "hmm" } })).toEqual([{ type: "status", text: "💭 thinking" }]);
    expect(mapper.map({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: "hmm" } })).toEqual([]);
    expect(mapper.map({ sessionUpdate: "tool_call", toolCallId: "t1", title: "Edit", kind: "edit", status: "pending" })).toEqual([
      { type: "status", text: "✏️ Edit" },
    ]);
    expect(mapper.map({ sessionUpdate: "tool_call_update", toolCallId: "t1", locations: [{ path: `${cwd}/x.ts` }] })).toEqual([
      { type: "status", text: "✏️ editing x.ts" },
    ]);
    expect(mapper.toolCall({ toolCallId: "t1" })).toMatchObject({ title: "Edit", kind: "edit", locations: [{ path: `${cwd}/x.ts` }] });
    expect(mapper.map({ sessionUpdate: "tool_call_update", toolCallId: "t1", status: "completed" })).toEqual([]);
    expect(mapper.map({ sessionUpdate: "tool_call_update", toolCallId: "t1", status: "failed" })).toEqual([{ type: "status", text: "❌ Edit failed" }]);
    expect(mapper.map({ sessionUpdate: "user_message_chunk", content: { type: "text", text: "me" } })).toEqual([]);
    expect(mapper.map({ sessionUpdate: "usage_update", used: 1, size: 2 })).toEqual([]);
    expect(mapper.map({ sessionUpdate: "notice", severity: "warning", title: "Rate limited" })).toEqual([{ type: "status", text: "⚠️ Rate limited" }]);
  });
});
