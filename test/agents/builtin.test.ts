import { describe, expect, it } from "vitest";
import { builtinAnswer, createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { AgentContext, AgentEvent, AgentInput } from "../../core/types/agent.ts";
import { silentLogger } from "../support/recording-logger.ts";

function input(text: string): AgentInput {
  return {
    text,
    attachments: [],
    conversation: { platform: "web", chatId: "owner", kind: "direct" },
    sender: { id: "owner", displayName: "Owner", isBot: false },
    senderRole: "owner",
    images: [],
  };
}

function context(signal = new AbortController().signal): AgentContext {
  return {
    signal,
    toolPolicy: "all",
    session: { id: "s1", conversationKey: "web:owner", createdAt: 0, summary: "", summarizedThrough: 0, history: [] },
    logger: silentLogger,
    requestApproval: async () => ({ isApproved: false, decidedBy: "nobody" }),
    checkBudget: async () => {},
    saveSummary: async () => {},
    audit: async () => {},
  };
}

async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const collected: AgentEvent[] = [];
  for await (const event of events) collected.push(event);
  return collected;
}

const answerOf = (events: AgentEvent[]) =>
  events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");

const agent = createBuiltinAgent({ deltaDelayMs: 0 });

describe("/echo", () => {
  it("answers with the text after the command", async () => {
    expect(answerOf(await collect(agent.run(input("/echo x"), context())))).toBe("x");
  });

  it("answers each /echo line of a collected turn, in order", async () => {
    const answer = answerOf(await collect(agent.run(input("/echo one\n/echo two words\n/echo three"), context())));
    expect(answer.split("\n")).toEqual(["one", "two words", "three"]);
  });
});

describe("other text", () => {
  it("gets an answer that quotes it and explains how to connect a model", async () => {
    const answer = answerOf(await collect(agent.run(input("what is the weather?"), context())));
    expect(answer).toContain('"what is the weather?"');
    expect(answer).toContain("OPENAI_BASE_URL");
  });
});

describe("streaming", () => {
  it("yields several text deltas that add up to the answer, then done", async () => {
    const streaming = createBuiltinAgent({ deltaDelayMs: 0, wordsPerDelta: 3 });
    const events = await collect(streaming.run(input("hello there"), context()));
    const deltas = events.filter((event) => event.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(3);
    expect(events.at(-1)).toEqual({ type: "done" });
    const whole = answerOf(await collect(createBuiltinAgent({ deltaDelayMs: 0, wordsPerDelta: 1000 }).run(input("hello there"), context())));
    expect(answerOf(events)).toBe(whole);
  });

  it("stops when the run is aborted", async () => {
    const controller = new AbortController();
    const slow = createBuiltinAgent({ deltaDelayMs: 20, wordsPerDelta: 1 });
    const received: AgentEvent[] = [];
    const run = (async () => {
      for await (const event of slow.run(input("tell me a long story"), context(controller.signal))) {
        received.push(event);
        if (received.length === 2) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(received).toHaveLength(2);
    expect(received.some((event) => event.type === "done")).toBe(false);
  });

  it("yields nothing when the signal was aborted before the start", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(agent.run(input("/echo x"), context(controller.signal)))).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});

describe("the built-in agent in Chinese", () => {
  it("explains itself in the reader's language, and still echoes /echo lines as written", () => {
    const answer = builtinAnswer({ text: "/echo hello\n你好", attachments: [] }, "zh-CN");
    expect(answer.split("\n")[0]).toBe("hello");
    expect(answer).toContain("我是 Pincer 的内置智能体：我离线工作，背后没有模型。我收到了“你好”。");
    expect(builtinAnswer({ text: "hi", attachments: [] })).toContain('I received "hi".');
  });
});
