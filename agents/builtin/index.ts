import { setTimeout as sleep } from "node:timers/promises";
import type { Agent, AgentEvent, AgentInput } from "../../core/types/agent.ts";
import type { Attachment } from "../../core/types/message.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "../../core/i18n/catalogue.ts";

export interface BuiltinAgentOptions {
  /** Pause between streamed pieces, so the streaming path shows; 0 answers at once. */
  deltaDelayMs?: number;
  /** Words per streamed piece. */
  wordsPerDelta?: number;
}

const echoPattern = /^\/echo(?:\s+([\s\S]*))?$/;

function describeAttachment(attachment: Attachment, locale: Locale): string {
  const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
  switch (attachment.type) {
    case "audio":
      if (attachment.transcript) return t("builtin.voice", { transcript: attachment.transcript });
      return attachment.durationSec ? t("builtin.audioSeconds", { seconds: attachment.durationSec }) : t("builtin.audio");
    case "image":
      return attachment.text ? t("builtin.imageText", { text: attachment.text }) : t("builtin.image");
    case "video":
      return t("builtin.video");
    case "file":
      return attachment.media.fileName ? t("builtin.fileNamed", { name: attachment.media.fileName }) : t("builtin.file");
  }
}

function friendlyAnswer(prompts: readonly string[], attachments: readonly Attachment[], locale: Locale): string {
  const received = [
    ...prompts.map((prompt) => translate(locale, "builtin.quoted", { text: prompt })),
    ...attachments.map((attachment) => describeAttachment(attachment, locale)),
  ].join(translate(locale, "builtin.separator"));
  return [
    translate(locale, "builtin.intro", { received: received || translate(locale, "builtin.empty") }),
    "",
    translate(locale, "builtin.connect"),
    translate(locale, "builtin.try"),
  ].join("\n");
}

/** The answer to a turn: each `/echo` line is echoed; anything else gets one friendly explanation. */
export function builtinAnswer(input: Pick<AgentInput, "text" | "attachments">, locale: Locale = "en"): string {
  const echoes: string[] = [];
  const prompts: string[] = [];
  for (const line of input.text.split("\n").map((line) => line.trim()).filter(Boolean)) {
    const match = echoPattern.exec(line);
    if (match) echoes.push(match[1] ?? "");
    else prompts.push(line);
  }
  const parts = [...echoes];
  if (prompts.length > 0 || input.attachments.length > 0 || echoes.length === 0) {
    parts.push(friendlyAnswer(prompts, input.attachments, locale));
  }
  return parts.join("\n");
}

/** Splits text into pieces of a few words each, keeping every character. */
export function streamPieces(text: string, wordsPerPiece: number): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerPiece) {
    pieces.push(words.slice(index, index + wordsPerPiece).join(""));
  }
  return pieces;
}

/** Works with no network and no model: echoes `/echo`, explains how to connect a model otherwise. */
export function createBuiltinAgent(options: BuiltinAgentOptions = {}): Agent {
  const deltaDelayMs = options.deltaDelayMs ?? 40;
  const wordsPerDelta = options.wordsPerDelta ?? 8;
  return {
    id: "builtin",
    acceptsImages: false,
    async *run(input, context): AsyncGenerator<AgentEvent> {
      for (const piece of streamPieces(builtinAnswer(input, context.locale ?? input.sender.locale), wordsPerDelta)) {
        context.signal.throwIfAborted();
        yield { type: "text-delta", text: piece };
        if (deltaDelayMs > 0) await sleep(deltaDelayMs, undefined, { signal: context.signal });
      }
      yield { type: "done" };
    },
  };
}
