import { describe, expect, it } from "vitest";
import { enrich, type EnrichDeps } from "../../core/enrich.ts";
import { turnText } from "../../core/prompt-text.ts";
import type { MediaPort } from "../../core/media.ts";
import type { AgentInput } from "../../core/types/agent.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Attachment } from "../../core/types/message.ts";

const ref = (id: string, sizeBytes = 1000) => ({ platform: "chat", id, sizeBytes, mimeType: "application/octet-stream" });

function input(attachments: Attachment[], text = ""): AgentInput {
  return {
    text,
    attachments,
    conversation: { platform: "chat", chatId: "c1", kind: "direct" },
    sender: { id: "u1", displayName: "U", isBot: false },
    senderRole: "member",
    images: [],
  };
}

/** A media port that records what it was asked and answers from the bytes it gets. */
function recordingMedia(overrides: Partial<MediaPort> = {}) {
  const calls: string[] = [];
  const media: MediaPort = {
    sttName: "test-stt",
    async transcribe(audio) {
      calls.push(`transcribe ${audio.bytes.length}`);
      return { text: "turn on the lights", durationSec: 2 };
    },
    async readText(image) {
      calls.push(`ocr ${image.bytes.length}`);
      return "INVOICE 42";
    },
    async prepareImage(_image, maxPx) {
      calls.push(`prepare ${maxPx}`);
      return { mimeType: "image/jpeg", base64: "AAAA", width: maxPx, height: 100 };
    },
    ttsName: "none",
    speak: async () => {
      throw new Error("not in these tests");
    },
    close: async () => {},
    ...overrides,
  };
  return { media, calls };
}

function deps(media: MediaPort | undefined, extra: Partial<EnrichDeps> = {}) {
  const fetched: string[] = [];
  const value: EnrichDeps = {
    media,
    fetchMedia: async (mediaRef) => {
      fetched.push(mediaRef.id);
      return { bytes: new Uint8Array(mediaRef.sizeBytes ?? 10), mimeType: "application/octet-stream" };
    },
    limits: { maxBytes: 5000, maxAudioSec: 300, maxImagePx: 1568 },
    acceptsImages: false,
    signal: new AbortController().signal,
    ...extra,
  };
  return { value, fetched };
}

describe("voice messages", () => {
  it("become a transcript labelled for the agent", async () => {
    const { media, calls } = recordingMedia();
    const { input: enriched, notices } = await enrich(input([{ type: "audio", media: ref("v1"), isVoiceNote: true }]), deps(media).value);
    expect(notices).toEqual([]);
    expect(calls).toEqual(["transcribe 1000"]);
    expect(turnText(enriched)).toBe("[voice message, transcript] turn on the lights");
  });

  it("use the platform's own transcript without fetching anything", async () => {
    const { media, calls } = recordingMedia();
    const { value, fetched } = deps(media);
    const { input: enriched } = await enrich(input([{ type: "audio", media: ref("v1"), isVoiceNote: true, transcript: "hello there" }]), value);
    expect(turnText(enriched)).toBe("[voice message, transcript] hello there");
    expect(calls).toEqual([]);
    expect(fetched).toEqual([]);
  });

  it("are refused politely past MEDIA_MAX_AUDIO_SEC, before any download", async () => {
    const { media } = recordingMedia();
    const { value, fetched } = deps(media);
    const { input: enriched, notices } = await enrich(input([{ type: "audio", media: ref("v1"), isVoiceNote: true, durationSec: 400 }]), value);
    expect(notices).toEqual(["That voice message is 400 s long; I take up to 300 s."]);
    expect(enriched.attachments).toEqual([]);
    expect(fetched).toEqual([]);
  });

  it("say so when no speech-to-text is configured", async () => {
    const { notices } = await enrich(input([{ type: "audio", media: ref("v1"), isVoiceNote: true }]), deps(recordingMedia({ sttName: "none" }).media).value);
    expect(notices[0]).toMatch(/no speech-to-text is configured \(STT_PROVIDER\)/);
  });

  it("that cannot be decoded get the decoder's short explanation", async () => {
    const media = recordingMedia({
      transcribe: async () => {
        throw new BridgeError("bad-input", "I could not decode this voice message.");
      },
    }).media;
    const { notices } = await enrich(input([{ type: "audio", media: ref("v1"), isVoiceNote: true }]), deps(media).value);
    expect(notices).toEqual(["I could not decode this voice message."]);
  });
});

describe("images", () => {
  it("are read by OCR for an agent that cannot see", async () => {
    const { media, calls } = recordingMedia();
    const { input: enriched } = await enrich(input([{ type: "image", media: ref("i1") }], "what is this?"), deps(media).value);
    expect(calls).toEqual(["ocr 1000"]);
    expect(turnText(enriched)).toBe("what is this?\n[image, text read by OCR] INVOICE 42");
    expect(enriched.images).toEqual([]);
  });

  it("are downscaled to MEDIA_MAX_IMAGE_PX for an agent that sees", async () => {
    const { media, calls } = recordingMedia();
    const { input: enriched } = await enrich(input([{ type: "image", media: ref("i1") }]), deps(media, { acceptsImages: true }).value);
    expect(calls).toEqual(["prepare 1568"]);
    expect(enriched.images).toEqual([{ mimeType: "image/jpeg", base64: "AAAA", width: 1568, height: 100 }]);
  });

  it("past MEDIA_MAX_BYTES are refused before download", async () => {
    const { value, fetched } = deps(recordingMedia().media);
    const { notices } = await enrich(input([{ type: "image", media: ref("big", 25_000_000) }]), value);
    expect(notices).toEqual(["That file is too big (25 MB; the limit is 5 KB)."]);
    expect(fetched).toEqual([]);
  });
});

describe("other media", () => {
  it("explains that videos are not watched", async () => {
    const { notices } = await enrich(input([{ type: "video", media: ref("m1") }]), deps(recordingMedia().media).value);
    expect(notices).toEqual(["I can't watch videos yet: send a screenshot, or describe what matters."]);
  });
});

describe("hearing the bot's name in a transcript", () => {
  it("matches whole words, usernames said aloud, and Chinese names anywhere", async () => {
    const { saysName } = await import("../../core/enrich.ts");
    expect(saysName("hey pincer, what time is it", ["Pincer"])).toBe(true);
    expect(saysName("ask the pincer bot", ["@pincer_bot"])).toBe(true);
    expect(saysName("pincers are claws", ["Pincer"])).toBe(false);
    expect(saysName("小龙虾帮我查一下", ["小龙虾"])).toBe(true);
    expect(saysName("lunch at noon", ["Pincer", "@pincer_bot"])).toBe(false);
  });
});
