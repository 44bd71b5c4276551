import { enrichAudio, saysName, type MediaLimits } from "./enrich.ts";
import type { MediaPort } from "./media.ts";
import type { Adapter } from "./types/adapter.ts";
import { toBridgeError } from "./types/errors.ts";
import type { Logger } from "./types/logger.ts";
import type { InboundMessage } from "./types/message.ts";

/**
 * Stage 2 for an unaddressed voice note in a group: it is transcribed now and admitted, with its transcript (so stage 5
 * does not transcribe it again), only if it says one of the bot's names. Undefined when it does not or cannot be heard.
 */
export async function heardByName(
  message: InboundMessage,
  adapter: Adapter,
  media: MediaPort,
  limits: MediaLimits,
  logger: Logger,
): Promise<InboundMessage | undefined> {
  const names = adapter.selfNames?.() ?? [];
  if (media.sttName === "none" || names.length === 0) return undefined;
  const deps = { media, fetchMedia: adapter.fetchMedia.bind(adapter), limits, acceptsImages: false, signal: AbortSignal.timeout(120_000) };
  try {
    const attachments = await Promise.all(
      message.attachments.map((attachment) => (attachment.type === "audio" ? enrichAudio(attachment, deps) : attachment)),
    );
    const transcripts = attachments.flatMap((attachment) => (attachment.type === "audio" && attachment.transcript ? [attachment.transcript] : []));
    return transcripts.some((transcript) => saysName(transcript, names)) ? { ...message, attachments } : undefined;
  } catch (thrown) {
    logger.debug({ err: toBridgeError(thrown) }, "an unaddressed voice note could not be heard");
    return undefined;
  }
}
