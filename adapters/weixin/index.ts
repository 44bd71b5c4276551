import type { WeixinConfig } from "../../core/config-platforms.ts";
import { mediaTooBig } from "../../core/media-size.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import type { Adapter, AdapterDeps, ChannelHealth, FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { createCdn } from "./cdn.ts";
import { createIlinkClient, type IlinkClient } from "./client.ts";
import { platform, unpackMediaRef } from "./inbound.ts";
import { readLogin, type StoredLogin } from "./login-store.ts";
import { createMailbox } from "./mailbox.ts";
import { expiredDetail, runPoller } from "./poller.ts";
import { typingStatus } from "./protocol.ts";
import { createMemoryAdapterState } from "../../core/store/memory-adapter-state.ts";
import { importStateDb } from "./state-db-import.ts";
import { createWindowStore } from "./window-store.ts";

const defaultApiBase = "https://ilinkai.weixin.qq.com";
/** A typing ticket is asked for again after this. */
const typingTicketTtlMs = 10 * 60_000;

function sniffImageType(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return "image/gif";
  if (bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  return undefined;
}

/**
 * WeChat ClawBot (the iLink bot API): the owner's direct chat with their own bot in personal
 * WeChat. Undefined while no login is stored in DATA_DIR (`npm run pincer -- weixin login`).
 */
export async function createWeixinAdapter(settings: WeixinConfig, deps: AdapterDeps): Promise<Adapter | undefined> {
  let login = await readLogin(deps.dataDir);
  if (!login) return undefined;
  const { logger } = deps;
  const now = Date.now;
  // An explicit WEIXIN_API_BASE wins; else the host the login was confirmed on.
  const apiBaseOf = (stored: StoredLogin) => (settings.apiBase.replace(/\/+$/, "") !== defaultApiBase ? settings.apiBase : stored.baseUrl || settings.apiBase);
  const clientFor = (stored: StoredLogin) => createIlinkClient({ baseUrl: apiBaseOf(stored), token: stored.botToken });
  let client: IlinkClient = clientFor(login);
  const cdn = createCdn({ cdnBase: settings.cdnBase });
  let health: ChannelHealth = { state: "starting" };
  let controller: AbortController | undefined;
  let polling: Promise<void> | undefined;
  if (!deps.waitingReplies) throw new BridgeError("internal", "ClawBot needs the store's outbox to park replies");
  const store = createWindowStore({ state: deps.state ?? createMemoryAdapterState(), waitingReplies: deps.waitingReplies, now });
  await importStateDb(deps.dataDir, store, logger);
  const typingTickets = new Map<string, { ticket: string; at: number; token: string | undefined }>();

  const fetchMedia = async (ref: MediaRef): Promise<FetchedMedia> => {
    const cdnRef = unpackMediaRef(ref);
    if (!cdnRef) throw new BridgeError("bad-input", "That WeChat attachment cannot be downloaded.");
    if (ref.sizeBytes !== undefined && ref.sizeBytes > deps.maxMediaBytes) throw mediaTooBig(ref.sizeBytes, deps.maxMediaBytes);
    const bytes = await cdn.download(cdnRef, deps.maxMediaBytes);
    if (bytes.length > deps.maxMediaBytes) throw mediaTooBig(bytes.length, deps.maxMediaBytes);
    const sniffed = ref.mimeType?.startsWith("image/") ? sniffImageType(bytes) : undefined;
    return { bytes, mimeType: sniffed ?? ref.mimeType ?? "application/octet-stream", ...(ref.fileName ? { fileName: ref.fileName } : {}) };
  };

  const markExpired = () => {
    health = { state: "error", detail: expiredDetail };
  };

  const mailbox = createMailbox({
    store,
    sender: () => ({ client, cdn, readMedia: (ref) => readReplyMedia(ref, fetchMedia, deps.maxMediaBytes, deps.storedFiles) }),
    limits: { contextTokenTtlMs: settings.contextTokenTtlMs, sendsPerMessage: settings.sendsPerMessage },
    logger,
    now,
    onSessionExpired: markExpired,
  });

  let stopSignal: AbortSignal | undefined;
  /** notifystart (protocol.ts): after a login, at start, and once when a poll answers -14. A failure is logged, not thrown. */
  const notifyStart = async (): Promise<boolean> => {
    try {
      await client.notifyStart(stopSignal);
      return true;
    } catch (error) {
      if (!stopSignal?.aborted) logger.warn({ err: error }, "notifystart failed");
      return false;
    }
  };

  const hasNewLogin = async () => {
    const latest = await readLogin(deps.dataDir);
    if (!latest || latest.botToken === login?.botToken) return false;
    login = latest;
    client = clientFor(latest);
    logger.info({ botId: latest.botId }, "found a new WeChat login; resuming");
    await notifyStart();
    return true;
  };

  return {
    platform,
    capabilities: {
      // Few, large parts: every part spends one of the ~10 sends an inbound message allows.
      maxTextLength: 4000,
      minEditIntervalMs: 0,
      hasButtons: false,
      hasVoiceOut: false,
    },
    async start(sink, signal) {
      controller = new AbortController();
      stopSignal = AbortSignal.any([controller.signal, signal]);
      const pollSignal = stopSignal;
      polling = notifyStart().then(() => runPoller(
        {
          client: () => client,
          store,
          mailbox,
          sink,
          logger,
          setHealth: (next) => {
            health = next;
          },
          ownerId: () => login?.userId,
          hasNewLogin,
          resumeSession: notifyStart,
          sessionRetryMs: 5 * 60_000,
          loginCheckMs: 5_000,
          initialLongPollMs: 35_000,
          now,
        },
        pollSignal,
      )).catch((error: unknown) => {
        health = { state: "error", detail: error instanceof Error ? error.message : String(error) };
        logger.error({ err: error }, "the WeChat poll loop ended");
      });
    },
    async stop() {
      controller?.abort();
      await polling;
      if (polling) await client.notifyStop().catch((error: unknown) => logger.warn({ err: error }, "notifystop failed"));
      await mailbox.idle();
      health = { state: "stopped" };
    },
    health: () => health,
    async send(to, part) {
      const messageId = await mailbox.send(to.chatId, part);
      return { conversation: to, messageId };
    },
    fetchMedia,
    /** getconfig gives a typing ticket (kept a while per user), sendtyping shows "typing…" in WeChat. */
    async showTyping(to) {
      const userId = to.chatId;
      const token = (await store.window(userId))?.contextToken;
      let cached = typingTickets.get(userId);
      if (!cached || cached.token !== token || now() - cached.at > typingTicketTtlMs) {
        const config = await client.getConfig(userId, token);
        if (!config.typing_ticket) return;
        cached = { ticket: config.typing_ticket, at: now(), token };
        typingTickets.set(userId, cached);
      }
      await client.sendTyping(userId, cached.ticket, typingStatus.typing);
    },
  };
}
