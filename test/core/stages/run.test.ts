import { describe, expect, it } from "vitest";
import { stageDeps } from "../../../core/stages/deps.ts";
import { prepare } from "../../../core/stages/prepare.ts";
import { runAgent, startRun } from "../../../core/stages/run.ts";
import { beginTurn } from "../../../core/stages/turn.ts";
import type { Agent, AgentEvent } from "../../../core/types/agent.ts";
import { recordingAdapter, silentLogger } from "../../support/responder.ts";
import { fakeMessage, memoryStore, pipelineDeps } from "./harness.ts";

/** Answers with one text and reports one model call's usage. */
const ledgerAgent: Agent = {
  id: "ledger",
  acceptsImages: false,
  async *run(input): AsyncGenerator<AgentEvent> {
    yield { type: "usage", model: "gpt-4o-mini", inputTokens: 100, outputTokens: 20, cachedTokens: 0 };
    yield { type: "text-delta", text: `you said: ${input.text}` };
    yield { type: "done" };
  },
};

async function setUp() {
  const store = memoryStore();
  const fake = recordingAdapter();
  const base = pipelineDeps(store, [fake.adapter]);
  const deps = stageDeps({ ...base, agents: new Map([["ledger", ledgerAgent]]), routing: { bindings: [], defaultAgent: "ledger" } });
  const turn = beginTurn([{ key: "fake:m1", conversationKey: "fake:c1", status: "running", receivedAt: 0, message: fakeMessage({ text: "hi" }) }], deps.policy, 1000);
  const prepared = await startRun((await prepare(turn, deps, new AbortController().signal))!, deps);
  return { store, fake, deps, prepared };
}

describe("stage run: agent and responder", () => {
  it("streams the agent's answer to the chat under the turn's first inbox key", async () => {
    const { store, fake, deps, prepared } = await setUp();
    const answer = await runAgent(prepared, deps, new AbortController().signal, silentLogger);
    expect(answer).toEqual({ text: "you said: hi", isStopped: false });
    expect(fake.shown()).toEqual(["you said: hi"]);
    expect(await store.outbox.get("fake:m1:0")).toMatchObject({ status: "sent" });
  });

  it("puts each model call in the ledger, with its estimated cost", async () => {
    const { store, deps, prepared } = await setUp();
    await runAgent(prepared, deps, new AbortController().signal, silentLogger);
    const totals = await store.usage.totals({ conversationKey: "fake:c1" }, 0);
    expect(totals).toMatchObject({ calls: 1, inputTokens: 100, outputTokens: 20 });
    expect(totals.costUsd).toBeGreaterThan(0);
  });

  it("opens the conversation's session and enters the run in the audit log before the agent starts", async () => {
    const { store, prepared } = await setUp();
    expect(prepared.session.id).toBe((await store.sessions.current("fake:c1", 2000, 0)).id);
    expect(await store.audit.list({ kind: "run" }, 10)).toMatchObject([{ runRef: prepared.runId, agentId: "ledger", conversationKey: "fake:c1" }]);
    // Its steps are recorded under it.
    await store.audit.recordEvent(prepared.runId, 1, "tool", { name: "shell" });
    await store.audit.finishRun(prepared.runId, "ok", 2);
    expect(await store.audit.events(prepared.runId)).toEqual([{ at: 1, kind: "tool", detail: { name: "shell" } }]);
  });

  it("ends stopped, with what was said so far, when the run is aborted", async () => {
    const { deps, prepared } = await setUp();
    const controller = new AbortController();
    controller.abort();
    expect(await runAgent(prepared, deps, controller.signal, silentLogger)).toMatchObject({ isStopped: true });
  });
});
