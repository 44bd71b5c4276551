import { describe, expect, it } from "vitest";
import { stageDeps } from "../../../core/stages/deps.ts";
import { answerAtOnce, isEmptyPrompt, parse } from "../../../core/stages/parse.ts";
import { recordingAdapter } from "../../support/responder.ts";
import { fakeMessage, memoryStore, pipelineDeps, recordStatuses } from "./harness.ts";

describe("stage parse", () => {
  it("tells control commands, approval decisions and prompts apart", () => {
    expect(parse(fakeMessage({ text: "/status" }))).toMatchObject({ type: "control", name: "status" });
    expect(parse(fakeMessage({ text: "/approve abcde" }))).toMatchObject({ type: "approval", requestId: "abcde", isApproved: true });
    expect(parse(fakeMessage({ text: "/echo hi" }))).toMatchObject({ type: "prompt", text: "/echo hi" });
  });

  it("finds nothing to ask in an empty prompt", () => {
    const empty = parse(fakeMessage({ text: "" }));
    const typed = parse(fakeMessage({ text: "hi" }));
    expect(empty.type === "prompt" && isEmptyPrompt(empty)).toBe(true);
    expect(typed.type === "prompt" && isEmptyPrompt(typed)).toBe(false);
  });
});

describe("answerAtOnce: control commands and approvals bypass the queue", () => {
  function setUp(isRunning = false) {
    const store = memoryStore();
    const fake = recordingAdapter();
    const stopped: string[] = [];
    const runs = { isRunning: async () => isRunning, stopRun: async (key: string) => (stopped.push(key), isRunning) };
    return { store, fake, stopped, statuses: recordStatuses(store), deps: { ...stageDeps(pipelineDeps(store, [fake.adapter])), runs } };
  }

  it("answers /stop by stopping the conversation's run, as part 0 of the message's reply, and finishes the row", async () => {
    const { deps, fake, stopped, statuses, store } = setUp(true);
    const command = parse(fakeMessage({ text: "/stop" }));
    if (command.type !== "control") throw new Error("expected a control command");
    await answerAtOnce("fake:m1", fakeMessage({ text: "/stop" }), "member", command, deps);
    expect(stopped).toEqual(["fake:c1"]);
    expect(fake.sends().map((call) => call.text)).toEqual(["Stopped."]);
    expect(await store.outbox.get("fake:m1:0")).toMatchObject({ status: "sent" });
    expect(statuses).toEqual(["fake:m1=done"]);
  });

  it("answers an approval decision for an unknown request without touching the queue", async () => {
    const { deps, fake, statuses } = setUp();
    const command = parse(fakeMessage({ text: "/deny zzzzz" }));
    if (command.type !== "approval") throw new Error("expected an approval");
    await answerAtOnce("fake:m1", fakeMessage({ text: "/deny zzzzz" }), "admin", command, deps);
    expect(fake.sends().map((call) => call.text)).toEqual(["No approval request with id zzzzz."]);
    expect(statuses).toEqual(["fake:m1=done"]);
  });
});
