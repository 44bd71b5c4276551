import { describe, expect, it } from "vitest";
import { isBareCommand, parseCommand } from "../../core/commands.ts";

const parse = (text: string) => parseCommand(text, []);

describe("control commands", () => {
  it.each(["help", "new", "stop", "status"] as const)("/%s is a control command", (name) => {
    expect(parse(`/${name}`)).toEqual({ type: "control", name, args: "" });
  });

  it("ignores the case of the command name", () => {
    expect(parse("/STATUS")).toEqual({ type: "control", name: "status", args: "" });
  });

  it("keeps the arguments", () => {
    expect(parse("/model  gpt-4o ")).toEqual({ type: "control", name: "model", args: "gpt-4o" });
  });
});

describe("approvals", () => {
  it("/approve <id> approves the request", () => {
    expect(parse("/approve 3f2a")).toEqual({ type: "approval", requestId: "3f2a", isApproved: true, isAlways: false });
    expect(parse("/approve 3f2a always")).toEqual({ type: "approval", requestId: "3f2a", isApproved: true, isAlways: true });
  });

  it("/deny <id> denies the request", () => {
    expect(parse("/deny ab12")).toEqual({ type: "approval", requestId: "ab12", isApproved: false, isAlways: false });
  });

  it("/approve without a well-formed id is a prompt", () => {
    expect(parse("/approve everything please").type).toBe("prompt");
  });
});

describe("prompts", () => {
  it("/echo belongs to the agent: it is a prompt, not a control command", () => {
    expect(parse("/echo hi")).toEqual({ type: "prompt", text: "/echo hi", attachments: [] });
  });

  it("plain text is a prompt, trimmed", () => {
    expect(parse("  hello there \n")).toEqual({ type: "prompt", text: "hello there", attachments: [] });
  });

  it("keeps the attachments", () => {
    const attachments = [{ type: "image" as const, media: { platform: "web", id: "m1" } }];
    expect(parseCommand("look", attachments)).toEqual({ type: "prompt", text: "look", attachments });
  });
});

describe("commands addressed to another bot", () => {
  it("/help@OtherBot is a prompt, not our /help", () => {
    expect(parse("/help@OtherBot").type).toBe("prompt");
  });

  it("/help@OtherBot is not a bare command", () => {
    expect(isBareCommand("/help@OtherBot")).toBe(false);
  });

  it("a bare /command and a bare /echo are", () => {
    expect(isBareCommand("/help")).toBe(true);
    expect(isBareCommand("/echo hi")).toBe(true);
  });

  it("plain text is not a command", () => {
    expect(isBareCommand("hello /help")).toBe(false);
  });
});
