import { setTimeout as sleep } from "node:timers/promises";
import type { Agent, AgentEvent, AgentInput } from "../../core/types/agent.ts";
import type { Attachment } from "../../core/types/message.ts";

export interface BuiltinAgentOptions {
  /** Pause between streamed pieces, so the streaming path shows; 0 answers at once. */
  deltaDelayMs?: number;
  /** Words per streamed piece. */
  wordsPerDelta?: number;
}

const echoPattern = /^\/echo(?:\s+([\s\S]*))?$/;

function describeAttachment(attachment: Attachment): string {
  switch (attachment.type) {
    case "audio":
      return attachment.transcript
        ? `a voice note that says "${attachment.transcript}"`
        : `an audio clip${attachment.durationSec ? ` of ${attachment.durationSec} s` : ""}`;
    case "image":
      return attachment.text ? `an image that reads "${attachment.text}"` : "an image";
    case "video":
      return "a video";
    case "file":
      return `a file${attachment.media.fileName ? ` (${attachment.media.fileName})` : ""}`;
  }
}

function friendlyAnswer(prompts: readonly string[], attachments: readonly Attachment[]): string {
  const received = [
    ...prompts.map((prompt) => `"${prompt}"`),
    ...attachments.map(describeAttachment),
  ].join(", ");
  return [
    `I'm Pincer's built-in agent: I work offline and have no model behind me. I received ${received || "an empty message"}.`,
    "",
    "To get real answers, connect a model: set `OPENAI_BASE_URL`, `OPENAI_API_KEY` and `OPENAI_MODEL` (any OpenAI-compatible endpoint) and restart Pincer.",
    "Meanwhile, try `/echo hello`, `/status` or `/help`.",
  ].join("\n");
}

/** The answer to a turn: each `/echo` line is echoed; anything else gets one friendly explanation. */
export function builtinAnswer(input: Pick<AgentInput, "text" | "attachments">): string {
  const echoes: string[] = [];
  const prompts: string[] = [];
  for (const line of input.text.split("\n").map((line) => line.trim()).filter(Boolean)) {
    const match = echoPattern.exec(line);
    if (match) echoes.push(match[1] ?? "");
    else prompts.push(line);
  }
  const parts = [...echoes];
  if (prompts.length > 0 || input.attachments.length > 0 || echoes.length === 0) {
    parts.push(friendlyAnswer(prompts, input.attachments));
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
      for (const piece of streamPieces(builtinAnswer(input), wordsPerDelta)) {
        context.signal.throwIfAborted();
        yield { type: "text-delta", text: piece };
        if (deltaDelayMs > 0) await sleep(deltaDelayMs, undefined, { signal: context.signal });
      }
      yield { type: "done" };
    },
  };
}
