import { describe, expect, it } from "vitest";
import { BridgeError } from "../../../core/types/errors.ts";
import { eventually } from "../../support/eventually.ts";
import { agentInput, collect, startFakeAcp, testContext, textOf } from "./harness.ts";

const count = (methods: string[], method: string) => methods.filter((name) => name === method).length;

describe("the ACP agent process", () => {
  it("stays warm between turns, with one session per conversation, remembered in the store", async () => {
    const fake = startFakeAcp();
    await collect(fake.agent.run(agentInput("plan", "c1"), testContext().context));
    await collect(fake.agent.run(agentInput("plan", "c1"), testContext().context));
    await collect(fake.agent.run(agentInput("plan", "c2"), testContext().context));
    const methods = fake.methods();
    expect(count(methods, "initialize")).toBe(1);
    expect(count(methods, "session/new")).toBe(2);
    expect(count(methods, "session/prompt")).toBe(3);
    const sessionOf = (chatId: string) => fake.stored.get(`web:${chatId}`);
    expect(sessionOf("c1")).toBeTruthy();
    expect(sessionOf("c2")).not.toBe(sessionOf("c1"));
    const prompts = fake.received().filter((entry) => entry.method === "session/prompt").map((entry) => entry.params.sessionId);
    expect(prompts).toEqual([sessionOf("c1"), sessionOf("c1"), sessionOf("c2")]);
  });

  it("advertises the client methods it serves, and starts sessions in the working directory", async () => {
    const fake = startFakeAcp();
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    const [initialize, newSession] = fake.received();
    expect(initialize!.params).toMatchObject({
      protocolVersion: 1,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
      clientInfo: { name: "pincer" },
    });
    expect(newSession!.params).toEqual({ cwd: fake.cwd, mcpServers: [] });
  });

  it("loads the stored session in a new process, without showing the replayed history", async () => {
    const fake = startFakeAcp();
    fake.stored.set("web:c1", "session-from-yesterday");
    const events = await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(textOf(events)).toBe("planned");
    expect(fake.methods()).toEqual(["initialize", "session/load", "session/prompt"]);
    expect(fake.received()[1]!.params).toEqual({ sessionId: "session-from-yesterday", cwd: fake.cwd, mcpServers: [] });
    expect(fake.received()[2]!.params.sessionId).toBe("session-from-yesterday");
  });

  it("starts a new session when the stored one cannot be loaded", async () => {
    const fake = startFakeAcp();
    fake.stored.set("web:c1", "unknown-session");
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(fake.methods()).toEqual(["initialize", "session/load", "session/new", "session/prompt"]);
    expect(fake.stored.get("web:c1")).not.toBe("unknown-session");
  });

  it("starts a new session when the stored id was cleared (/new)", async () => {
    const fake = startFakeAcp();
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    const first = fake.stored.get("web:c1");
    fake.stored.delete("web:c1");
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(count(fake.methods(), "session/new")).toBe(2);
    expect(fake.stored.get("web:c1")).not.toBe(first);
  });

  it("turns a crash into an upstream error with the exit code, logs stderr, and restarts on the next message", async () => {
    const fake = startFakeAcp();
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    const crash = collect(fake.agent.run(agentInput("crash"), testContext().context));
    await expect(crash).rejects.toThrow(new BridgeError("upstream", "The coding agent stopped (exit code 3)."));
    await expect(crash).rejects.toMatchObject({ code: "upstream" });
    const exitLog = fake.logger.entries.find((entry) => entry.message === "the ACP agent process exited");
    expect(exitLog?.level).toBe("warn");
    expect(exitLog?.object).toMatchObject({ exitCode: 3, stderr: expect.stringContaining("fake agent: crashing on purpose") });

    const events = await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(textOf(events)).toBe("planned");
    const methods = fake.methods();
    expect(count(methods, "initialize")).toBe(2);
    // The conversation resumes its session in the new process.
    expect(methods.slice(-2)).toEqual(["session/load", "session/prompt"]);
  });

  it("restarts a process that died between turns", async () => {
    const fake = startFakeAcp();
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    const pid = Number(/"pid":(\d+)/.exec(JSON.stringify(fake.logger.entries.find((entry) => entry.message === "ACP agent ready")?.object))?.[1]);
    process.kill(pid, "SIGKILL");
    await eventually(() => fake.logger.entries.some((entry) => entry.message === "the ACP agent process exited"));
    const events = await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(textOf(events)).toBe("planned");
    expect(count(fake.methods(), "initialize")).toBe(2);
  });

  it("says clearly when the command cannot be started", async () => {
    const fake = startFakeAcp({ command: ["/nonexistent/acp-agent", "--stdio"] });
    const run = collect(fake.agent.run(agentInput("plan"), testContext().context));
    await expect(run).rejects.toMatchObject({ code: "config", message: expect.stringContaining("Could not start the coding agent (/nonexistent/acp-agent)") });
  });

  it("gives up on an agent that never answers initialize", async () => {
    const fake = startFakeAcp({ command: [process.execPath, "-e", "setInterval(() => {}, 1000)"], startTimeoutMs: 300 });
    const run = collect(fake.agent.run(agentInput("plan"), testContext().context));
    await expect(run).rejects.toMatchObject({ code: "timeout", message: "The coding agent did not answer within 0.3 s of starting." });
  });

  it("stops the process on close", async () => {
    const fake = startFakeAcp();
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    const pid = Number(/"pid":(\d+)/.exec(JSON.stringify(fake.logger.entries.find((entry) => entry.message === "ACP agent ready")?.object))?.[1]);
    await fake.agent.close();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(collect(fake.agent.run(agentInput("plan"), testContext().context))).rejects.toMatchObject({ code: "upstream" });
  });
});
