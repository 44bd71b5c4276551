import { describe, expect, it } from "vitest";
import { ShutdownAbort } from "../../../core/queue.ts";
import { stageDeps } from "../../../core/stages/deps.ts";
import { prepare } from "../../../core/stages/prepare.ts";
import { startRun } from "../../../core/stages/run.ts";
import { failTurn, settle, turnMessages } from "../../../core/stages/settle.ts";
import { beginTurn } from "../../../core/stages/turn.ts";
import { BridgeError } from "../../../core/types/errors.ts";
import { recordingAdapter, silentLogger } from "../../support/responder.ts";
import { fakeMessage, memoryStore, pipelineDeps } from "./harness.ts";

async function setUp() {
  const store = memoryStore();
  const fake = recordingAdapter();
  const deps = stageDeps(pipelineDeps(store, [fake.adapter]));
  const message = fakeMessage({ text: "hi" });
  await store.inbox.insert(message, 0);
  await store.inbox.setStatus(["fake:m1"], "queued");
  const rows = await store.inbox.claimQueued("fake:c1");
  const turn = beginTurn(rows, deps.policy, 1000);
  const prepared = await startRun((await prepare(turn, deps, new AbortController().signal))!, deps);
  return { store, fake, deps, turn, prepared };
}

describe("stage settle", () => {
  it("finishes the rows and the audited run", async () => {
    const { store, deps, prepared } = await setUp();
    await settle(prepared, { type: "ok" }, true, deps);
    const [shown] = (await store.conversations.messages("fake:c1", { limit: 10 })).messages;
    expect([shown!.status, shown!.runs.map((run) => run.outcome)]).toEqual(["done", ["ok"]]);
    // Finished: a crash now resumes nothing.
    expect(await store.inbox.recover()).toEqual({ received: [], queuedConversations: [] });
  });

  it("leaves the rows of a turn cut short by a shutdown for the next start", async () => {
    const { store, deps, prepared } = await setUp();
    await settle(prepared, { type: "interrupted" }, true, deps);
    expect((await store.inbox.recover()).queuedConversations).toEqual(["fake:c1"]);
  });

  it("adds the turn to the session as it finishes the rows: the user's words, then the answer", async () => {
    const { store, deps, prepared } = await setUp();
    await settle(prepared, { type: "ok" }, false, deps, turnMessages(prepared, "hello back", deps.now()));
    expect((await store.sessions.history("fake:c1", 10)).map((message) => [message.role, message.text])).toEqual([
      ["user", "hi"],
      ["assistant", "hello back"],
    ]);
  });
});

describe("failTurn: how a turn that threw ends", () => {
  it("shows a fault as a short message with the turn's reference", async () => {
    const { fake, deps, turn } = await setUp();
    const outcome = await failTurn(turn, new Error("database melted"), new AbortController().signal, deps, silentLogger);
    expect(outcome).toEqual({ type: "error", detail: `ref ${turn.ref}: database melted` });
    expect(fake.sends()).toHaveLength(1);
    expect(fake.sends()[0]!.text).toBe("error");
  });

  it("gives a reached daily cap as the whole answer, in plain words", async () => {
    const { store, deps, turn } = await setUp();
    await failTurn(turn, new BridgeError("budget-exceeded", "Daily budget reached."), new AbortController().signal, deps, silentLogger);
    expect((await store.outbox.get("fake:m1:error"))?.part).toEqual({ type: "markdown", text: "Daily budget reached." });
  });

  it("says nothing after /stop, and marks a shutdown's abort as interrupted", async () => {
    const { fake, deps, turn } = await setUp();
    const stopped = new AbortController();
    stopped.abort();
    expect(await failTurn(turn, new Error("aborted"), stopped.signal, deps, silentLogger)).toEqual({ type: "stopped" });
    const shutdown = new AbortController();
    shutdown.abort(new ShutdownAbort());
    expect(await failTurn(turn, new Error("aborted"), shutdown.signal, deps, silentLogger)).toEqual({ type: "interrupted" });
    expect(fake.sends()).toEqual([]);
  });
});
