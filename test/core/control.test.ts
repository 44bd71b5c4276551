import { describe, expect, it } from "vitest";
import { controlContext, handleControl, helpText } from "../../core/control.ts";
import { stageDeps } from "../../core/stages/deps.ts";
import type { Agent } from "../../core/types/agent.ts";
import type { Command } from "../../core/types/command.ts";
import { recordingAdapter } from "../support/responder.ts";
import { fakeMessage, memoryStore, pipelineDeps } from "./stages/harness.ts";

const other: Agent = { id: "coder", model: "coder-1", acceptsImages: false, run: async function* () {} };

function setUp(isRunning = false) {
  const store = memoryStore();
  const base = stageDeps(pipelineDeps(store, [recordingAdapter().adapter]));
  const stopped: string[] = [];
  const deps = {
    ...base,
    agents: new Map([...base.agents, ["coder", other]]),
    runs: { isRunning: async () => isRunning, stopRun: async (key: string) => (stopped.push(key), isRunning) },
  };
  const control = async (text: string, role: "owner" | "admin" | "member" = "member") => {
    const name = text.slice(1).split(" ")[0] as Extract<Command, { type: "control" }>["name"];
    const command = { type: "control" as const, name, args: text.split(" ").slice(1).join(" ") };
    return handleControl(command, await controlContext(fakeMessage({ text }), role, deps));
  };
  return { store, deps, control, stopped };
}

describe("control commands", () => {
  it("/status shows the agent, the session and the context fill of the last call", async () => {
    const { store, control } = setUp(true);
    const session = await store.sessions.current("fake:c1", Date.now(), 0);
    await store.sessions.append(session.id, [{ role: "user", text: "hi", createdAt: Date.now() }]);
    await store.usage.record({ at: Date.now(), userRef: "fake:u1", conversationKey: "fake:c1", model: "m", inputTokens: 2000, outputTokens: 5, cachedTokens: 0, costUsd: 0 });
    const status = await control("/status");
    expect(status).toContain("Agent: builtin");
    expect(status).toContain("Messages in session: 1");
    expect(status).toContain("Context: 2,000 of 8,000 tokens (25%) in the last model call");
    expect(status).toContain("Running: yes");
  });

  it("/stop stops this conversation's run", async () => {
    const { control, stopped } = setUp(true);
    expect(await control("/stop")).toBe("Stopped.");
    expect(stopped).toEqual(["fake:c1"]);
    expect(await setUp(false).control("/stop")).toBe("Nothing is running.");
  });

  it("/agent switches the conversation's agent for an admin only, and the choice is stored", async () => {
    const { store, control } = setUp();
    expect(await control("/agent coder", "member")).toBe("Only an admin can switch the agent.");
    expect(await control("/agent coder", "admin")).toBe("This conversation now talks to coder.");
    expect(await store.choices.get("fake:c1")).toEqual({ agent: "coder" });
    expect(await control("/model", "member")).toBe("Model: coder-1 (agent coder).");
  });

  it("/new ends the session, and every agent's own session with it", async () => {
    const { store, control } = setUp();
    const before = await store.sessions.current("fake:c1", Date.now(), 0);
    await store.agentSessions.set("acp", "fake:c1", "acp-session-1");
    expect(await control("/new")).toContain("Started a new session");
    expect((await store.sessions.current("fake:c1", Date.now(), 0)).id).not.toBe(before.id);
    expect(await store.agentSessions.get("acp", "fake:c1")).toBeUndefined();
  });

  it("/help lists the commands", async () => {
    expect(await setUp().control("/help")).toBe(helpText());
    expect(helpText()).toContain("/approve <id>");
  });
});
