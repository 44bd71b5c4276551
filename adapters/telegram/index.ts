import { readFile } from "node:fs/promises";
import { Telegraf } from "telegraf";
import type { TelegramConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps, ChannelHealth, FetchedMedia, InboundSink } from "../../core/types/adapter.ts";
import { BridgeError, localizedError, toBridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { callWithTimeout } from "../kit/call-timeout.ts";
import { createConnectionLifecycle } from "../kit/connection-lifecycle.ts";
import { toTelegramBridgeError } from "./errors.ts";
import { platform, updateToInbound, type BotIdentity } from "./inbound.ts";
import { createOutbound } from "./outbound.ts";
import { allowedUpdates, describePollFailure, pollUpdates, type PollPosition } from "./polling.ts";
import type { TelegramUpdate } from "./update-schema.ts";
import { telegramWebhookRoute } from "./webhook.ts";

/** The Bot API serves files up to this size to bots (https://core.telegram.org/bots/api#getfile). */
export const botApiDownloadLimitBytes = 20 * 1024 * 1024;

export interface TelegramAdapterOptions {
  /** How long Telegram holds a `getUpdates` open (seconds). */
  pollTimeoutSec?: number;
  /** A poll unanswered this long after its hold time is replaced. Default 15 s. */
  pollMarginMs?: number;
  /** Every other Bot API call gives up after this (then a retryable "timeout"). Default 30 s. */
  callTimeoutMs?: number;
  /** First wait after a failed poll or start; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

/** In binary megabytes, as Telegram counts its 20 MB. */
const megabytes = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 10) / 10} MB`;

/** Telegram through telegraf's Bot API client: long polling, or a webhook when a secret is set (see webhook-secret.ts). */
export function createTelegramAdapter(settings: TelegramConfig, deps: AdapterDeps, options: TelegramAdapterOptions = {}): Adapter {
  const { logger } = deps;
  const now = options.now ?? Date.now;
  const minBackoffMs = options.minBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const apiRoot = settings.apiRoot.replace(/\/+$/, "");
  const bot = new Telegraf(settings.botToken, { telegram: { apiRoot, webhookReply: false } });
  const { telegram } = bot;
  // One deadline for every Bot API call telegraf makes (sendMessage, getFile, …); polling sets its own.
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const callApi = telegram.callApi.bind(telegram);
  // telegraf types its signal as the old abort-controller polyfill's; node-fetch takes a standard one.
  type CallConfig = { signal?: AbortSignal };
  telegram.callApi = function callApiWithTimeout(method: string, payload: unknown, config: CallConfig = {}) {
    const call = callApi as unknown as (method: string, payload: unknown, config: CallConfig) => Promise<unknown>;
    if (method === "getUpdates") return call(method, payload, config);
    return callWithTimeout(`Telegram ${method}`, callTimeoutMs, config.signal, (signal) => call(method, payload, { ...config, signal }));
  } as unknown as typeof telegram.callApi;
  const isWebhook = settings.webhookSecret !== undefined;
  const maxDownloadBytes = Math.min(botApiDownloadLimitBytes, deps.maxMediaBytes);

  let health: ChannelHealth = { state: "starting" };
  let identity: BotIdentity | undefined;
  let sink: InboundSink | undefined;
  let lifetime: AbortController | undefined;
  let running: Promise<void> | undefined;

  const setHealth = (next: ChannelHealth) => {
    health = next;
  };

  /** Stores the update (the caller acknowledges after this); a button press is also answered, to end its spinner. */
  const handleUpdate = async (update: TelegramUpdate): Promise<boolean> => {
    if (!sink || !identity) return false;
    const message = updateToInbound(update, identity, now());
    if (message) await sink.receive(message);
    if (update.callback_query) {
      await telegram.answerCbQuery(update.callback_query.id).catch((thrown: unknown) => {
        logger.debug({ err: toTelegramBridgeError(thrown, "answerCallbackQuery") }, "could not answer a callback query");
      });
    }
    return true;
  };

  const checkIdentity = async (): Promise<BotIdentity> => {
    const me = await telegram.getMe();
    return { id: me.id, username: me.username, firstName: me.first_name };
  };

  /** getMe, then setWebhook or deleteWebhook; a failure goes to the lifecycle, which shows it on health and retries. */
  const identify = async (): Promise<void> => {
    const me = await checkIdentity();
    if (isWebhook && settings.webhookUrl) {
      await telegram.setWebhook(settings.webhookUrl, { secret_token: settings.webhookSecret!, allowed_updates: [...allowedUpdates] });
    } else if (!isWebhook) {
      // A webhook left over from an earlier setup makes getUpdates fail with 409.
      await telegram.deleteWebhook({ drop_pending_updates: false });
    }
    identity = me;
    logger.info({ username: me.username, mode: isWebhook ? "webhook" : "polling" }, "Telegram bot connected");
  };

  const position: PollPosition = { isFirstPoll: true };
  // The gateway waits for the first getMe (success or not): a webhook channel is then ready at once.
  let firstAttempt = Promise.withResolvers<void>();
  const lifecycle = createConnectionLifecycle({
    what: "Telegram polling",
    logger,
    backoff: { minMs: minBackoffMs, maxMs: maxBackoffMs },
    onHealth: setHealth,
    describeFailure: (thrown) => (identity ? describePollFailure(thrown, maxBackoffMs) : { detail: toTelegramBridgeError(thrown, "getMe").message }),
    async connect(session) {
      if (!identity) await identify().finally(firstAttempt.resolve);
      if (!isWebhook) return pollUpdates({ telegram, logger, position, timeoutSec: options.pollTimeoutSec ?? 30, pollMarginMs: options.pollMarginMs ?? 15_000, handle: handleUpdate }, session);
      session.up();
      await new Promise((resolve) => session.signal.addEventListener("abort", resolve, { once: true }));
    },
  });

  const outbound = createOutbound({ telegram, logger, fetchMedia: (ref) => fetchMedia(ref), maxMediaBytes: deps.maxMediaBytes, storedFiles: deps.storedFiles });

  const fetchMedia = async (ref: MediaRef): Promise<FetchedMedia> => {
    const refuse = (sizeBytes: number) =>
      localizedError("unsupported", "media.tooBigToDownload", { size: megabytes(sizeBytes), limit: megabytes(maxDownloadBytes), platform: "Telegram" });
    if (ref.sizeBytes !== undefined && ref.sizeBytes > maxDownloadBytes) throw refuse(ref.sizeBytes);
    let file;
    try {
      file = await telegram.getFile(ref.id);
    } catch (thrown) {
      const error = toTelegramBridgeError(thrown, "getFile");
      if (/file is too big/i.test(error.message)) throw refuse(ref.sizeBytes ?? botApiDownloadLimitBytes + 1);
      throw error;
    }
    if (file.file_size !== undefined && file.file_size > maxDownloadBytes) throw refuse(file.file_size);
    if (!file.file_path) throw new BridgeError("upstream", "Telegram did not say where the file is (getFile without file_path)");
    const base = { mimeType: ref.mimeType ?? "application/octet-stream", ...(ref.fileName ? { fileName: ref.fileName } : {}) };
    // A self-hosted Bot API server in --local mode answers with a path on its own disk.
    if (file.file_path.startsWith("/")) return { ...base, bytes: await readFile(file.file_path) };
    let response: Response;
    try {
      response = await fetch(`${apiRoot}/file/bot${settings.botToken}/${file.file_path}`, { signal: AbortSignal.timeout(120_000) });
    } catch (thrown) {
      throw new BridgeError("upstream", `Downloading a Telegram file failed: ${toBridgeError(thrown).message}`);
    }
    if (!response.ok) throw new BridgeError(response.status >= 500 ? "upstream" : "bad-input", `Downloading a Telegram file failed: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxDownloadBytes) throw refuse(bytes.length);
    return { ...base, bytes };
  };

  return {
    platform,
    // Telegram allows 4096 characters after formatting; the markdown is split a little below that so
    // that list markers and table padding cannot push a piece over.
    capabilities: { maxTextLength: 4000, minEditIntervalMs: 1000, hasButtons: true, hasVoiceOut: true },
    routes: isWebhook ? [telegramWebhookRoute({ secret: settings.webhookSecret!, logger, handle: handleUpdate })] : [],
    async start(inboundSink, signal) {
      sink = inboundSink;
      lifetime = new AbortController();
      const runSignal = AbortSignal.any([signal, lifetime.signal]);
      firstAttempt = Promise.withResolvers<void>();
      running = lifecycle
        .run(runSignal)
        .catch((thrown: unknown) => {
          health = { state: "error", detail: toBridgeError(thrown).message };
          logger.error({ err: toBridgeError(thrown) }, "Telegram channel stopped");
        })
        .finally(firstAttempt.resolve);
      await firstAttempt.promise;
    },
    async stop() {
      lifetime?.abort();
      await running;
      sink = undefined;
      health = { state: "stopped" };
    },
    health: () => health,
    send: (to, part) => outbound.send(to, part),
    edit: (sent, part) => outbound.edit(sent, part),
    showTyping: (to) => outbound.showTyping(to),
    fetchMedia,
    selfNames: () => (identity ? [identity.firstName, `@${identity.username}`] : []),
  };
}

