import { describe, expect, it } from "vitest";
import { stageDeps } from "../../../core/stages/deps.ts";
import { prepare, routeFor } from "../../../core/stages/prepare.ts";
import { beginTurn } from "../../../core/stages/turn.ts";
import type { Agent } from "../../../core/types/agent.ts";
import type { Attachment } from "../../../core/types/message.ts";
import { recordingAdapter } from "../../support/responder.ts";
import { fakeDirect, fakeMedia, fakeMessage, memoryStore, pipelineDeps } from "./harness.ts";

const seeing: Agent = { id: "seeing", acceptsImages: true, run: async function* () {} };
const image: Attachment = { type: "image", media: { platform: "fake", id: "i1" } };

function setUp() {
  const store = memoryStore();
  const fake = recordingAdapter();
  fake.adapter.fetchMedia = async () => ({ bytes: new Uint8Array([1]), mimeType: "image/png" });
  const base = pipelineDeps(store, [fake.adapter], { media: fakeMedia() });
  const deps = stageDeps({ ...base, agents: new Map([...base.agents, ["seeing", seeing]]) });
  const turnOf = (overrides: Parameters<typeof fakeMessage>[0]) =>
    beginTurn([{ key: "fake:m1", conversationKey: "fake:c1", status: "running", receivedAt: 0, message: fakeMessage(overrides) }], deps.policy, 1000);
  return { store, fake, deps, turnOf };
}

describe("stage prepare: route, then enrich", () => {
  it("routes to the conversation's chosen agent, and to the default once that agent is gone", async () => {
    const { store, deps } = setUp();
    await store.choices.set("fake:c1", { agent: "seeing", model: "m-1" }, 0);
    expect((await routeFor(fakeDirect, "fake:u1", deps)).route).toMatchObject({ agent: "seeing", model: "m-1" });
    await store.choices.set("fake:c1", { agent: "retired", model: "m-1" }, 0);
    expect((await routeFor(fakeDirect, "fake:u1", deps)).route).toMatchObject({ agent: "builtin", model: undefined });
  });

  it("gives an agent that sees the picture itself, and one that does not the picture's text", async () => {
    const { store, deps, turnOf } = setUp();
    const plain = await prepare(turnOf({ attachments: [image] }), deps, new AbortController().signal);
    expect(plain?.input.images).toEqual([]);
    expect(plain?.input.attachments[0]).toMatchObject({ text: "text in the picture" });
    await store.choices.set("fake:c1", { agent: "seeing" }, 0);
    const seen = await prepare(turnOf({ attachments: [image] }), deps, new AbortController().signal);
    expect(seen?.input.images).toHaveLength(1);
    expect(seen?.route.agent).toBe("seeing");
  });

  it("routes by the choice read as the turn was claimed, without asking the store again", async () => {
    const { store, deps } = setUp();
    await store.choices.set("fake:c1", { agent: "builtin" }, 0);
    const row = { key: "fake:m1", conversationKey: "fake:c1", status: "running" as const, receivedAt: 0, message: fakeMessage({ text: "hi" }) };
    const prepared = await prepare(beginTurn([row], deps.policy, 1000, { agent: "seeing" }), deps, new AbortController().signal);
    expect(prepared?.route.agent).toBe("seeing");
  });

  it("says why an attachment could not be used, and leaves nothing to answer when it was all there was", async () => {
    const { fake, deps, turnOf } = setUp();
    const video: Attachment = { type: "video", media: { platform: "fake", id: "v1" } };
    expect(await prepare(turnOf({ text: "", attachments: [video] }), deps, new AbortController().signal)).toBeUndefined();
    expect(fake.sends().map((call) => call.text)).toEqual(["I can't watch videos yet: send a screenshot, or describe what matters."]);
  });
});
