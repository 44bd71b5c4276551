import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentInput, collect, startFakeAcp, testContext, textOf } from "./harness.ts";

describe("files the agent reads and writes through Pincer", () => {
  it("reads a file inside the working directory", async () => {
    const fake = startFakeAcp();
    mkdirSync(join(fake.cwd, "api"), { recursive: true });
    writeFileSync(join(fake.cwd, "api", "users.ts"), "export const users = [];\n");
    const events = await collect(fake.agent.run(agentInput("read api/users.ts"), testContext().context));
    expect(textOf(events)).toBe("content: export const users = [];\n");
  });

  it("refuses to read outside the working directory", async () => {
    const fake = startFakeAcp();
    writeFileSync(join(fake.dir, "secret.txt"), "the secret");
    const events = await collect(fake.agent.run(agentInput("read ../secret.txt"), testContext().context));
    expect(textOf(events)).toMatch(/^error: .*outside the workspace/);
    expect(textOf(events)).not.toContain("the secret");
  });

  it("refuses to write outside the working directory, even when approved", async () => {
    const fake = startFakeAcp();
    const events = await collect(fake.agent.run(agentInput("edit ../escape.txt"), testContext(() => true).context));
    expect(textOf(events)).toMatch(/could not write it: .*outside the workspace/);
    expect(existsSync(join(fake.dir, "escape.txt"))).toBe(false);
  });

  it("creates missing directories for a write inside", async () => {
    const fake = startFakeAcp();
    const events = await collect(fake.agent.run(agentInput("edit api/users.ts"), testContext(() => true).context));
    expect(textOf(events)).toContain("wrote it");
    expect(existsSync(join(fake.cwd, "api", "users.ts"))).toBe(true);
  });
});

describe("commands the agent runs in a Pincer terminal", () => {
  it("asks with the command and its directory, runs it in the working directory, and returns its output", async () => {
    const fake = startFakeAcp();
    const { context, approvals } = testContext(() => true);
    const events = await collect(fake.agent.run(agentInput("run pwd && echo hi"), context));
    expect(approvals[0]).toEqual({ toolName: "pwd && echo hi", risk: "exec", canBeAlways: true, summary: `$ pwd && echo hi\n(in ${fake.cwd})` });
    expect(textOf(events)).toBe(`exit 0: ${fake.cwd}\nhi\n`);
  });

  it("keeps only the output's last bytes past the agent's limit", async () => {
    const fake = startFakeAcp();
    const events = await collect(fake.agent.run(agentInput("run seq 1 2000"), testContext(() => true).context));
    const text = textOf(events);
    expect(text).toMatch(/^exit 0 \(truncated\): /);
    expect(text.endsWith("1999\n2000\n")).toBe(true);
    expect(text.length).toBeLessThan(1100);
  });

  it("reports the exit code of a failing command", async () => {
    const fake = startFakeAcp();
    const events = await collect(fake.agent.run(agentInput("run echo oops >&2; exit 7"), testContext(() => true).context));
    expect(textOf(events)).toBe("exit 7: oops\n");
  });

  it("runs nothing when the command is denied", async () => {
    const fake = startFakeAcp();
    const events = await collect(fake.agent.run(agentInput("run touch denied.txt"), testContext(() => false).context));
    expect(textOf(events)).toBe("you rejected it");
    expect(existsSync(join(fake.cwd, "denied.txt"))).toBe(false);
  });
});
