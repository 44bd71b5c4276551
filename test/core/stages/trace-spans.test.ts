import { describe, expect, it } from "vitest";
import { createDelivery } from "../../../core/delivery.ts";
import { createMetrics } from "../../../core/metrics.ts";
import { createPipeline, type PipelineDeps } from "../../../core/pipeline.ts";
import type { Store } from "../../../core/store/store.ts";
import { createTracer, type TraceSpan } from "../../../core/trace.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import type { Agent } from "../../../core/types/agent.ts";
import { BridgeError } from "../../../core/types/errors.ts";
import type { InboundMessage } from "../../../core/types/message.ts";
import { recordingAdapter, silentLogger } from "../../support/responder.ts";
import { fakeGroup, fakeMedia, fakeMessage, memoryStore, pipelineDeps, voiceNote, webAdapter, webMessage } from "./harness.ts";

/** A pipeline whose tracer writes into the store at once, and the spans of one message, by name. */
function traced(adapters: Adapter[], overrides: Partial<PipelineDeps> = {}, store: Store = memoryStore()) {
  const tracer = createTracer({ sinks: [{ write: (spans) => store.traces.append(spans) }], logger: silentLogger, flushDelayMs: 0 });
  const base = pipelineDeps(store, adapters);
  const delivery = createDelivery({ adapters: base.adapters, outbox: store.outbox, logger: silentLogger, metrics: base.metrics, tracer });
  const deps = { ...base, delivery, tracer, ...overrides };
  const pipeline = createPipeline(deps);
  const spans = async (key: string): Promise<TraceSpan[]> => {
    await tracer.flush();
    return store.traces.list(key);
  };
  const named = async (key: string, name: TraceSpan["name"]) => (await spans(key)).filter((span) => span.name === name);
  const pass = async (message: InboundMessage) => {
    await pipeline.receive(message);
    await pipeline.idle();
  };
  return { store, tracer, pipeline, spans, named, pass, deps };
}

/** An agent that calls the model twice around one tool that needs an approval, reporting each call's usage. */
const scriptedAgent: Agent = {
  id: "scripted",
  acceptsImages: false,
  async *run(_input, context) {
    await context.checkBudget();
    yield { type: "usage", model: "test-model", inputTokens: 120, outputTokens: 8, cachedTokens: 100 };
    const decision = await context.requestApproval({ toolName: "read_file", summary: "read notes.md", risk: "read" });
    yield { type: "tool", phase: "start", name: "read_file", summary: "notes.md" };
    yield { type: "tool", phase: "end", name: "read_file" };
    await context.checkBudget();
    yield { type: "text-delta", text: decision.isApproved ? "done" : "denied" };
    yield { type: "usage", model: "test-model", inputTokens: 150, outputTokens: 3, cachedTokens: 0 };
    yield { type: "done" };
  },
};

describe("the spans each stage records", () => {
  it("follows an owner's /echo from the inbox to the sent reply", async () => {
    const { spans, pass } = traced([webAdapter()]);
    await pass(webMessage("/echo hi", "m1"));
    const trace = await spans("web:conv1:m1");
    expect(trace.map((span) => span.name).sort()).toEqual(["agent", "message", "parse", "policy", "queue", "route", "send", "session", "store", "turn"]);
    const byName = Object.fromEntries(trace.map((span) => [span.name, span]));
    expect(byName.store!.attributes).toEqual({ isDuplicate: false });
    expect(byName.policy!.attributes).toMatchObject({ decision: "admit", role: "owner" });
    expect(byName.parse!.attributes).toEqual({ command: "prompt" });
    expect(byName.route!.attributes).toMatchObject({ agent: "builtin" });
    expect(byName.send!.attributes).toMatchObject({ part: "0", type: "markdown", outcome: "sent" });
    expect(byName.turn!.attributes).toMatchObject({ turnKey: "web:conv1:m1", outcome: "ok", messages: 1 });
    expect(byName.message!.attributes).toMatchObject({ channel: "web", chat: "direct", outcome: "queued" });
    for (const span of trace) expect(span.endedAt).toBeGreaterThanOrEqual(span.startedAt);
  });

  it("says why a group message was not answered: not addressed", async () => {
    const fake = recordingAdapter();
    const { named, pass, deps } = traced([fake.adapter]);
    deps.policy.group = "mention";
    await pass(fakeMessage({ conversation: fakeGroup, text: "just chatting" }));
    expect((await named("fake:m1", "policy"))[0]!.attributes).toEqual({ chat: "group", decision: "drop", reason: "not-addressed" });
    expect((await named("fake:m1", "message"))[0]!.attributes).toMatchObject({ outcome: "refused" });
    expect(await named("fake:m1", "turn")).toEqual([]);
  });

  it("says an unknown sender waits to pair, and shows the pairing code's send", async () => {
    const fake = recordingAdapter();
    const { named, pass } = traced([fake.adapter]);
    await pass(fakeMessage());
    expect((await named("fake:m1", "policy"))[0]!.attributes).toMatchObject({ decision: "pair", reason: "waiting-to-pair", isCodeSent: true });
    expect((await named("fake:m1", "send"))[0]!.attributes).toMatchObject({ part: "0", outcome: "sent" });
  });

  it("shows a control command answered at once", async () => {
    const { named, pass } = traced([webAdapter()]);
    await pass(webMessage("/help", "m1"));
    expect((await named("web:conv1:m1", "parse"))[0]!.attributes).toEqual({ command: "control", name: "help" });
    expect(await named("web:conv1:m1", "answer")).toHaveLength(1);
    expect(await named("web:conv1:m1", "queue")).toEqual([]);
  });

  it("records each model call with its tokens, the approval and the tool", async () => {
    const { named, pass } = traced([webAdapter()], {
      agents: new Map([["scripted", scriptedAgent]]),
      routing: { bindings: [], defaultAgent: "scripted" },
    });
    await pass(webMessage("read my notes", "m1"));
    const models = await named("web:conv1:m1", "model");
    expect(models.map((span) => span.attributes)).toEqual([
      { model: "test-model", inputTokens: 120, outputTokens: 8, cachedTokens: 100 },
      { model: "test-model", inputTokens: 150, outputTokens: 3, cachedTokens: 0 },
    ]);
    expect((await named("web:conv1:m1", "approval"))[0]!.attributes).toMatchObject({ tool: "read_file", risk: "read", isApproved: true });
    expect((await named("web:conv1:m1", "tool"))[0]!.attributes).toEqual({ tool: "read_file", summary: "notes.md" });
    expect((await named("web:conv1:m1", "agent"))[0]!.attributes).toMatchObject({ agent: "scripted", isStopped: false, answerChars: 4 });
  });

  it("records a voice note's transcript in the enrich step", async () => {
    const fake = recordingAdapter();
    fake.adapter.fetchMedia = async () => ({ bytes: new Uint8Array([1]), mimeType: "audio/ogg" });
    const { named, pass, deps } = traced([fake.adapter], { media: fakeMedia({ transcript: "/echo hello" }) });
    deps.policy.allowFrom = ["fake:u1"];
    await pass(fakeMessage({ text: "", attachments: [voiceNote()] }));
    expect((await named("fake:m1", "enrich"))[0]!.attributes).toEqual({ transcripts: 1, ocr: 0, pictures: 0 });
  });

  it("records a duplicate delivery as stored again, answered once", async () => {
    const { named, pipeline, tracer } = traced([webAdapter()]);
    await pipeline.receive(webMessage("/echo hi", "m1"));
    await pipeline.receive(webMessage("/echo hi", "m1"));
    await pipeline.idle();
    await tracer.flush();
    expect((await named("web:conv1:m1", "store")).map((span) => span.attributes.isDuplicate)).toEqual([false, true]);
  });
});

describe("the spans of reply parts", () => {
  it("shows a part that failed, was retried later and then sent, and one sent before", async () => {
    const store = memoryStore();
    let isDown = true;
    const fake = recordingAdapter({ beforeSend: () => { if (isDown) throw new BridgeError("upstream", "platform down"); } });
    const tracer = createTracer({ sinks: [{ write: (spans) => store.traces.append(spans) }], logger: silentLogger });
    const delivery = createDelivery({
      adapters: new Map([["fake", fake.adapter]]), outbox: store.outbox, logger: silentLogger, metrics: createMetrics(async () => 0),
      tracer, retries: 0, minRetryDelayMs: 1,
    });
    const to = fakeMessage().conversation;
    expect(await delivery.send("fake:m1:0", to, { type: "markdown", text: "hi" })).toBeUndefined();
    isDown = false;
    await store.outbox.markFailedAttempt({ key: "fake:m1:0", conversation: to, part: { type: "markdown", text: "hi" } }, "due now", 0, false, Date.now());
    await delivery.flushDue();
    await delivery.send("fake:m1:0", to, { type: "markdown", text: "hi" });
    await delivery.enqueue("fake:m1:1", to, { type: "markdown", text: "later" });
    await tracer.flush();
    const sends = (await store.traces.list("fake:m1")).map((span) => [span.attributes.part, span.attributes.outcome, span.status]);
    expect(sends).toEqual([
      ["0", "retrying", "error"],
      ["0", "sent", "ok"],
      ["0", "sent-before", "ok"],
      ["1", "parked", "ok"],
    ]);
  });
});
