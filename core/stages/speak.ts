import { clip } from "../trace.ts";
import { toBridgeError } from "../types/errors.ts";
import type { Logger } from "../types/logger.ts";
import { adapterFor, type StageDeps } from "./deps.ts";
import type { PreparedTurn } from "./turn.ts";

/** Whether the turn was spoken (a voice note that was heard): then the answer is spoken back too. */
export function wasSpoken(turn: Pick<PreparedTurn, "input">): boolean {
  return turn.input.attachments.some((attachment) => attachment.type === "audio" && attachment.isVoiceNote && Boolean(attachment.transcript));
}

/**
 * Stage "speak back": the user spoke, so the answer goes back as a voice note too, where the platform takes
 * one and speech is configured; the text stays. A failure is logged, never the turn's error.
 */
export async function speakBack(turn: PreparedTurn, text: string, deps: StageDeps, signal: AbortSignal, log: Logger): Promise<void> {
  const media = deps.media;
  const { hasVoiceOut, voiceFormat } = adapterFor(deps, turn.input.conversation).capabilities;
  if (!media || media.ttsName === "none" || !wasSpoken(turn) || !text.trim() || !hasVoiceOut) return;
  const span = deps.tracer.start(turn.keyBase, "speak", { tts: media.ttsName });
  try {
    const spoken = await media.speak(text, signal, voiceFormat);
    await deps.delivery.send(`${turn.keyBase}:voice`, turn.to, { type: "audio", media: spoken.media, isVoice: true });
    span.end();
  } catch (thrown) {
    span.end({ error: clip(toBridgeError(thrown).message) }, "error");
    log.warn({ err: toBridgeError(thrown) }, "voice reply failed; the text was sent");
  }
}
