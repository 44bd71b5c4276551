import type { PermissionOption } from "@agentclientprotocol/sdk";
import { describe, expect, it } from "vitest";
import { approvalRequestFor, outcomeFor, riskOf } from "../../../agents/acp/permission.ts";

const option = (optionId: string, kind: PermissionOption["kind"]): PermissionOption => ({ optionId, name: optionId, kind });

describe("the answer to a permission request", () => {
  const all = [option("always", "allow_always"), option("once", "allow_once"), option("no", "reject_once"), option("never", "reject_always")];

  it("picks allow once over allow always for a yes, and reject once for a no", () => {
    expect(outcomeFor(all, { isApproved: true })).toEqual({ outcome: "selected", optionId: "once" });
    expect(outcomeFor(all, { isApproved: false })).toEqual({ outcome: "selected", optionId: "no" });
  });

  it("picks the standing option when the person chose always", () => {
    expect(outcomeFor(all, { isApproved: true, isAlways: true })).toEqual({ outcome: "selected", optionId: "always" });
    expect(outcomeFor(all, { isApproved: false, isAlways: true })).toEqual({ outcome: "selected", optionId: "never" });
  });

  it("falls back to the other option of the same sense, or cancels when there is none", () => {
    expect(outcomeFor([option("always", "allow_always"), option("never", "reject_always")], { isApproved: true })).toEqual({ outcome: "selected", optionId: "always" });
    expect(outcomeFor([option("always", "allow_always"), option("never", "reject_always")], { isApproved: false })).toEqual({ outcome: "selected", optionId: "never" });
    expect(outcomeFor([option("no", "reject_once")], { isApproved: true })).toEqual({ outcome: "cancelled" });
  });
});

describe("the approval asked in the chat", () => {
  it("rates commands and unknown tools exec, edits write, fetches network", () => {
    expect(riskOf("execute")).toBe("exec");
    expect(riskOf(undefined)).toBe("exec");
    expect(riskOf("other")).toBe("exec");
    expect(riskOf("edit")).toBe("write");
    expect(riskOf("delete")).toBe("write");
    expect(riskOf("fetch")).toBe("network");
  });

  it("names every file, diff paths included, relative to the working directory", () => {
    const request = approvalRequestFor(
      { title: "Edit files", kind: "edit", locations: [{ path: "/w/a.ts" }], rawInput: undefined },
      { toolCallId: "t", content: [{ type: "diff", path: "/w/b.ts", newText: "x" }, { type: "diff", path: "/etc/passwd", newText: "y" }] },
      "/w",
    );
    expect(request).toEqual({ toolName: "Edit files", risk: "write", summary: "edit: a.ts\nedit: b.ts\nedit: /etc/passwd\n(in /w)" });
  });

  it("shows the raw input of a tool it knows nothing about", () => {
    const request = approvalRequestFor({ title: "create_issue", kind: "other", locations: [], rawInput: { repo: "a/b" } }, { toolCallId: "t" }, "/w");
    expect(request.summary).toBe('create_issue\ninput: {"repo":"a/b"}\n(in /w)');
  });
});
