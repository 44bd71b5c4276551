import { describe, expect, it } from "vitest";
import { stageDeps } from "../../../core/stages/deps.ts";
import { speakBack, wasSpoken } from "../../../core/stages/speak.ts";
import type { PreparedTurn } from "../../../core/stages/turn.ts";
import { beginTurn } from "../../../core/stages/turn.ts";
import type { Logger } from "../../../core/types/logger.ts";
import type { Attachment } from "../../../core/types/message.ts";
import { recordingAdapter, silentLogger } from "../../support/responder.ts";
import { fakeMedia, fakeMessage, memoryStore, pipelineDeps, voiceNote } from "./harness.ts";

function setUp(options: { hasVoiceOut?: boolean; media?: ReturnType<typeof fakeMedia> } = {}) {
  const store = memoryStore();
  const fake = recordingAdapter();
  fake.adapter.capabilities.hasVoiceOut = options.hasVoiceOut ?? true;
  const media = options.media ?? fakeMedia();
  const deps = stageDeps(pipelineDeps(store, [fake.adapter], { media }));
  const turnWith = (attachments: Attachment[]): PreparedTurn => ({
    ...beginTurn([{ key: "fake:m1", conversationKey: "fake:c1", status: "running", receivedAt: 0, message: fakeMessage({ text: "", attachments }) }], deps.policy, 0),
    route: { agent: "builtin", model: undefined, instructions: undefined, tools: "all", autoApprove: [], knowledge: ["default"] },
    session: { id: "s1", conversationKey: "fake:c1", createdAt: 0, summary: "", summarizedThrough: 0, history: [] },
  });
  return { fake, media, deps, turnWith };
}

describe("stage speak back", () => {
  it("answers a heard voice note with a voice note too, keyed after the turn", async () => {
    const { fake, media, deps, turnWith } = setUp();
    await speakBack(turnWith([voiceNote("what time is it")]), "It is noon.", deps, new AbortController().signal, silentLogger);
    expect(media.spoken).toEqual(["It is noon."]);
    expect(fake.sends().map((call) => call.text)).toEqual(["audio"]);
  });

  it("stays silent for a typed turn, on a platform without voice, without TTS, and for an empty answer", async () => {
    const signal = new AbortController().signal;
    const typed = setUp();
    await speakBack(typed.turnWith([]), "It is noon.", typed.deps, signal, silentLogger);
    const mute = setUp({ hasVoiceOut: false });
    await speakBack(mute.turnWith([voiceNote("hi")]), "It is noon.", mute.deps, signal, silentLogger);
    const noTts = setUp({ media: fakeMedia({ ttsName: "none" }) });
    await speakBack(noTts.turnWith([voiceNote("hi")]), "It is noon.", noTts.deps, signal, silentLogger);
    const empty = setUp();
    await speakBack(empty.turnWith([voiceNote("hi")]), "  ", empty.deps, signal, silentLogger);
    expect([typed, mute, noTts, empty].map((each) => each.fake.sends().length)).toEqual([0, 0, 0, 0]);
  });

  it("logs a failed voice reply and lets the turn end well (the text was sent)", async () => {
    const { fake, deps, turnWith } = setUp({ media: fakeMedia({ speakFails: true }) });
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_fields: unknown, text: string) => void warnings.push(text) };
    await speakBack(turnWith([voiceNote("hi")]), "It is noon.", deps, new AbortController().signal, logger);
    expect(fake.sends()).toEqual([]);
    expect(warnings).toEqual(["voice reply failed; the text was sent"]);
  });

  it("counts only a voice note that was heard as spoken", () => {
    const { turnWith } = setUp();
    expect(wasSpoken(turnWith([voiceNote("hi")]))).toBe(true);
    expect(wasSpoken(turnWith([voiceNote()]))).toBe(false);
  });
});
