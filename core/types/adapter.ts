import type { IncomingMessage, ServerResponse } from "node:http";
import type { AdapterStateStore, FileStore, RateLimits, WaitingReplies } from "../store/store.ts";
import type { ConversationRef } from "./conversation.ts";
import type { InboundMessage, MediaRef } from "./message.ts";
import type { Logger } from "./logger.ts";
import type { ReplyPart } from "./reply.ts";

export type VoiceFormat = "ogg-opus" | "silk";

/** What a platform can do, as data: core reads this instead of asking which platform it is. */
export interface Capabilities {
  maxTextLength: number;
  /** Streaming edits are sent no more often than this. */
  minEditIntervalMs: number;
  hasButtons: boolean;
  hasVoiceOut: boolean;
  /** The voice-note format the platform plays: OGG/Opus (the default: Telegram, Feishu) or SILK (WeChat). */
  voiceFormat?: VoiceFormat;
  /**
   * Platforms that cannot edit (so cannot stream) send a short "working on it" message when the
   * answer takes longer than this; unset: none.
   */
  workingNoticeAfterMs?: number;
  /**
   * The platform keeps a streamed message open until it is told the text is complete (WeCom AI bot
   * streams): the responder then ends every streamed message with an edit marked `isFinal`, even when
   * its text did not change since the last edit.
   */
  needsFinalEdit?: boolean;
}

export interface SendOptions {
  /** More text follows by `edit` (streaming); the last edit is marked `isFinal` where `needsFinalEdit` is set. */
  isPartial?: boolean;
  /**
   * The part's outbox key, the same on every attempt to send it (in any process, after a crash too). A platform
   * that dedupes sends by a client key (Feishu `uuid`, Discord `nonce`) gets one derived from it per platform
   * message the part becomes, so a send cut off before it was recorded and sent again shows once.
   */
  idempotencyKey?: string;
}

export interface EditOptions {
  /** The text is complete: no edit follows. */
  isFinal?: boolean;
}

export interface SentMessage {
  conversation: ConversationRef;
  messageId: string;
}

export interface InboundReceipt {
  isDuplicate: boolean;
}

/** Given to `adapter.start`: the adapter acknowledges the platform only after `receive` resolved. */
export interface InboundSink {
  receive(message: InboundMessage): Promise<InboundReceipt>;
}

/**
 * `degraded`: the connection went quiet (no event, ping or successful poll for longer than the platform
 * allows) and is being replaced; not ready until it is back.
 */
export type ChannelState = "starting" | "ready" | "degraded" | "error" | "stopped";

export interface ChannelHealth {
  state: ChannelState;
  detail?: string;
  /** While a login waits for a scan (wechaty, ClawBot): the text the QR code encodes. */
  loginQr?: string;
}

export interface HttpRoute {
  method: "GET" | "POST";
  path: string;
  /** When true, the route needs the admin token as `Authorization: Bearer` (every `/api/*` route does, whatever this says). */
  isOwnerOnly: boolean;
  /**
   * The route checks a credential of its own (a job's webhook secret) instead of the admin token; the other rules of
   * `/api/*` (Host, Origin, JSON) still apply, and its 401s count toward the webhook guard's limit.
   */
  isSelfAuthenticated?: boolean;
  /** GET routes a browser reads without headers (EventSource, media elements, downloads) take the token as `?token=` too. */
  isQueryTokenAccepted?: boolean;
  /** What a POST under `/api/` carries: JSON (the default; another content type gets 415) or a file's own bytes. */
  body?: "json" | "file";
  handle(request: IncomingMessage, response: ServerResponse): Promise<void> | void;
}

export interface FetchedMedia {
  bytes: Uint8Array;
  mimeType: string;
  fileName?: string;
}

export interface Adapter {
  platform: string;
  capabilities: Capabilities;
  /** Routes served by the gateway's one HTTP server (webhooks, the web chat). */
  routes?: HttpRoute[];
  start(sink: InboundSink, signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  health(): ChannelHealth;
  send(to: ConversationRef, part: ReplyPart, options?: SendOptions): Promise<SentMessage>;
  /** Present when the platform can edit a sent message; streaming needs it. */
  edit?(sent: SentMessage, part: ReplyPart, options?: EditOptions): Promise<void>;
  fetchMedia(ref: MediaRef): Promise<FetchedMedia>;
  /** The names people call the bot by (its display name, its username), for voice notes that address it by name. */
  selfNames?(): readonly string[];
  showTyping?(to: ConversationRef): Promise<void>;
}

/** What every platform adapter gets from the gateway besides its own settings. */
export interface AdapterDeps {
  /**
   * The channel this adapter speaks for, put in every conversation it reports (`ConversationRef.channelId`);
   * absent: the platform's default channel.
   */
  channelId?: string;
  logger: Logger;
  /** DATA_DIR: where an adapter keeps its login or session files. */
  dataDir: string;
  /** MEDIA_MAX_BYTES: larger files are refused, before download where the platform tells the size. */
  maxMediaBytes: number;
  /** The adapter's small state in the store (cursors, reply windows, reply contexts); in memory when absent. */
  state?: AdapterStateStore;
  /** The store's rolling-window counters, for limits that must hold across the processes sharing it (WeChat's send pace and sends per minute). */
  rateLimits?: RateLimits;
  /** Replies that wait for a condition, as outbox rows (ClawBot's parked replies); the adapter needs it to park. */
  waitingReplies?: WaitingReplies;
  /** Files replies carry, copied into a shared store (`platform: "stored"` media); read with adapters/kit/local-media.ts. */
  storedFiles?: Pick<FileStore, "get">;
}
