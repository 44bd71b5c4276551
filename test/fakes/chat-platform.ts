import { randomUUID } from "node:crypto";
import type { Adapter, FetchedMedia, InboundSink, SentMessage } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { InboundMessage, Segment } from "../../core/types/message.ts";
import type { ReplyPart } from "../../core/types/reply.ts";

export interface Delivered {
  to: ConversationRef;
  messageId: string;
  part: ReplyPart;
}

/**
 * A stand-in chat platform for pipeline tests, until real platform fakes exist: it records what
 * the bot sent and builds inbound messages the way an adapter would.
 */
export function createChatPlatform(platform = "chat") {
  const sent: Delivered[] = [];
  let sink: InboundSink | undefined;
  let sequence = 0;
  const media = new Map<string, FetchedMedia>();
  const adapter: Adapter = {
    platform,
    capabilities: { maxTextLength: 4000, minEditIntervalMs: 0, hasButtons: true, hasVoiceOut: false },
    async start(inboundSink) {
      sink = inboundSink;
    },
    async stop() {},
    health: () => ({ state: "ready" }),
    async send(to, part): Promise<SentMessage> {
      const messageId = randomUUID();
      sent.push({ to, messageId, part });
      return { conversation: to, messageId };
    },
    async fetchMedia(ref) {
      const stored = media.get(ref.id);
      if (!stored) throw new Error(`no media ${ref.id}`);
      return stored;
    },
    selfNames: () => ["Pincer", "@pincer_bot"],
  };
  const message = (options: {
    from: string;
    chat?: string;
    kind?: "direct" | "group";
    segments: Segment[];
    replyToBot?: boolean;
  }): InboundMessage => {
    sequence += 1;
    return {
      id: `m${sequence}`,
      conversation: { platform, chatId: options.chat ?? options.from, kind: options.kind ?? "direct" },
      sender: { id: options.from, displayName: `User ${options.from}`, isBot: false },
      sentAt: Date.now(),
      segments: options.segments,
      attachments: [],
      ...(options.replyToBot ? { replyTo: { messageId: "b1", isToSelf: true } } : {}),
    };
  };
  return {
    adapter,
    sent,
    /** A voice note, its bytes kept for `fetchMedia`. */
    voice(from: string, bytes: Uint8Array, extra: { chat?: string; kind?: "direct" | "group" } = {}): InboundMessage {
      const inbound = message({ from, segments: [], ...extra });
      const id = `voice-${inbound.id}`;
      media.set(id, { bytes, mimeType: "audio/ogg", fileName: "voice.ogg" });
      return { ...inbound, attachments: [{ type: "audio", media: { platform, id, sizeBytes: bytes.length, mimeType: "audio/ogg" }, isVoiceNote: true }] };
    },
    texts: () => sent.map((entry) => ("text" in entry.part ? entry.part.text : entry.part.type)),
    message,
    text: (from: string, text: string, extra: { chat?: string; kind?: "direct" | "group"; replyToBot?: boolean } = {}) =>
      message({ from, segments: [{ type: "text", text }], ...extra }),
    async deliver(inbound: InboundMessage) {
      if (!sink) throw new Error("adapter not started");
      return sink.receive(inbound);
    },
  };
}
