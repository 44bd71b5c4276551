import { beforeEach, describe, expect, it, vi } from "vitest";
import { respond } from "../../core/responder.ts";
import type { AgentEvent } from "../../core/types/agent.ts";
import { chat, delay, recordingAdapter, runToEnd, silentLogger, streamOf, useOutbox, words } from "../support/responder.ts";

const { deliveryFor, respondWith } = useOutbox();

describe("a slow answer on a platform that cannot edit", () => {
  const slowAnswer = async function* (delayMs: number): AsyncGenerator<AgentEvent> {
    await delay(delayMs);
    yield { type: "text-delta", text: "the answer" };
    yield { type: "done" };
  };

  it("says once that it is working on it, then sends the answer", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ canEdit: false });
    fake.adapter.capabilities.workingNoticeAfterMs = 1000;
    await runToEnd(respondWith(fake.adapter, slowAnswer(3000)));

    expect(fake.calls.map((call) => call.text)).toEqual(["⏳ Working on it…", "the answer"]);
    expect(fake.calls[0]!.at).toBeLessThan(fake.calls[1]!.at);
  });

  it("says nothing extra when the answer comes before the delay", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ canEdit: false });
    fake.adapter.capabilities.workingNoticeAfterMs = 1000;
    await runToEnd(respondWith(fake.adapter, slowAnswer(500)));

    expect(fake.calls.map((call) => call.text)).toEqual(["the answer"]);
  });
});

describe("the typing indicator", () => {
  async function* slowStart(firstAfterMs: number): AsyncGenerator<AgentEvent> {
    await delay(firstAfterMs);
    yield { type: "text-delta", text: "here it is" };
    await delay(firstAfterMs);
    yield { type: "text-delta", text: ", and more" };
    yield { type: "done" };
  }

  function withTyping() {
    const fake = recordingAdapter({ minEditIntervalMs: 0 });
    const typingAt: number[] = [];
    fake.adapter.showTyping = async () => {
      typingAt.push(Date.now());
    };
    return { fake, typing: () => typingAt.length, typingAt };
  }

  it("is not shown for an answer that comes at once", async () => {
    const { fake, typing } = withTyping();
    await respond({ adapter: fake.adapter, delivery: deliveryFor(fake.adapter), logger: silentLogger, typingDelayMs: 100 }, chat, "fake:t1", streamOf(["quick"], 0), new AbortController().signal);
    expect(typing()).toBe(0);
    expect(fake.shown()).toEqual(["quick"]);
  });

  it("is shown while nothing is visible yet, and not once the answer streams", async () => {
    const { fake, typing, typingAt } = withTyping();
    await respond(
      { adapter: fake.adapter, delivery: deliveryFor(fake.adapter), logger: silentLogger, typingDelayMs: 20, typingIntervalMs: 50 },
      chat,
      "fake:t2",
      slowStart(300),
      new AbortController().signal,
    );
    expect(typing()).toBeGreaterThanOrEqual(2);
    expect(typing()).toBeLessThanOrEqual(8);
    expect(fake.shown()).toEqual(["here it is, and more"]);
    const firstSendAt = fake.sends()[0]!.at;
    expect(typingAt.every((at) => at <= firstSendAt)).toBe(true);
  });
});

describe("a platform whose streams stay open until the final edit (needsFinalEdit)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  /** Records the send and edit options the responder passes. */
  function openStreamAdapter(needsFinalEdit: boolean) {
    const fake = recordingAdapter({ minEditIntervalMs: 100 });
    const options: { kind: "send" | "edit"; isPartial?: boolean; isFinal?: boolean }[] = [];
    const send = fake.adapter.send.bind(fake.adapter);
    const edit = fake.adapter.edit!.bind(fake.adapter);
    fake.adapter.capabilities.needsFinalEdit = needsFinalEdit;
    fake.adapter.send = async (to, part, sendOptions) => {
      options.push({ kind: "send", isPartial: sendOptions?.isPartial });
      return send(to, part);
    };
    fake.adapter.edit = async (sent, part, editOptions) => {
      options.push({ kind: "edit", isFinal: editOptions?.isFinal });
      return edit(sent, part);
    };
    return { ...fake, options };
  }

  it("sends the first part as partial and ends with one edit marked final, even when the text did not change", async () => {
    const fake = openStreamAdapter(true);
    // The last piece arrives long after the previous sync: the final sync has nothing new to show.
    await runToEnd(respondWith(fake.adapter, streamOf(words(3), 150)));
    expect(fake.options[0]).toEqual({ kind: "send", isPartial: true });
    expect(fake.options.at(-1)).toEqual({ kind: "edit", isFinal: true });
    expect(fake.options.filter((option) => option.isFinal)).toHaveLength(1);
    expect(fake.shown()).toEqual([words(3).join("")]);
  });

  it("an answer that comes at once is one whole send, not a partial one", async () => {
    const fake = openStreamAdapter(true);
    await runToEnd(respondWith(fake.adapter, streamOf(["all at once"], 0)));
    expect(fake.options).toEqual([{ kind: "send", isPartial: false }]);
  });

  it("the final edit comes even when the last sync already showed the whole text", async () => {
    const fake = openStreamAdapter(true);
    await runToEnd(respondWith(fake.adapter, (async function* () {
      yield { type: "text-delta" as const, text: "done" };
      await delay(300);
      yield { type: "done" as const };
    })()));
    expect(fake.options).toEqual([{ kind: "send", isPartial: true }, { kind: "edit", isFinal: true }]);
  });

  it("other platforms get no edit when the final text is unchanged", async () => {
    const fake = openStreamAdapter(false);
    await runToEnd(respondWith(fake.adapter, (async function* () {
      yield { type: "text-delta" as const, text: "done" };
      await delay(300);
      yield { type: "done" as const };
    })()));
    expect(fake.options).toEqual([{ kind: "send", isPartial: true }]);
  });
});
