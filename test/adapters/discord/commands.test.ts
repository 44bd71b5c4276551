import { describe, expect, it } from "vitest";
import { slashCommands, slashText } from "../../../adapters/discord/commands.ts";
import { parseCommand } from "../../../core/commands.ts";
import { commandProblems } from "../../fakes/discord-commands.ts";

describe("Discord slash commands", () => {
  it("offers every control, approval and job command, in a form Discord accepts", () => {
    const commands = slashCommands();
    expect(commandProblems(commands)).toEqual([]);
    expect(commands.map((command) => command.name).sort()).toEqual(
      ["agent", "approve", "at", "bg", "cancel", "cron", "deny", "every", "forget", "help", "hook", "in", "jobs", "kb", "memory", "model", "new", "pause", "remember", "resume", "status", "stop", "tz", "usage"].sort(),
    );
  });

  it("each one, filled in, is the typed command core parses to the same command", () => {
    expect(parseCommand(slashText("jobs", []), [])).toEqual({ type: "job", name: "jobs", args: "" });
    expect(parseCommand(slashText("in", [{ name: "prompt", value: "/echo later" }, { name: "duration", value: "10m" }]), [])).toEqual({ type: "job", name: "in", args: "10m /echo later" });
    expect(slashText("cron", [{ name: "schedule", value: "0 9 * * 1-5" }, { name: "prompt", value: "stand-up notes" }])).toBe('/cron "0 9 * * 1-5" stand-up notes');
    expect(parseCommand(slashText("approve", [{ name: "id", value: "ab12c" }]), [])).toEqual({ type: "approval", requestId: "ab12c", isApproved: true, isAlways: false });
    expect(slashText("model", [])).toBe("/model");
  });

  it("a quote inside a quoted value cannot close the quotes early", () => {
    expect(slashText("cron", [{ name: "schedule", value: '0 9" * * *' }, { name: "prompt", value: "x" }])).toBe('/cron "0 9 * * *" x');
  });

  it("the fake refuses what Discord refuses: a required option after an optional one, a long description", () => {
    const bad = [{ name: "x", type: 1, description: "d".repeat(101), options: [{ type: 3, name: "a", description: "a", required: false }, { type: 3, name: "b", description: "b", required: true }] }];
    expect(commandProblems(bad)).toEqual(["x: description must be 1-100 characters", "x.b: required options must come before optional ones"]);
  });
});
