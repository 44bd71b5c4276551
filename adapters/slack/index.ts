import { App, type Receiver } from "@slack/bolt";
import { z } from "zod";
import type { SlackConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps, ChannelHealth, InboundSink } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { InboundMessage } from "../../core/types/message.ts";
import { boltLogger } from "./bolt-logger.ts";
import { toSlackBridgeError } from "./errors.ts";
import {
  actionToInboundMessage,
  isSpokenEvent,
  slackBlockActionsSchema,
  slackEventCallbackSchema,
  slackMessageEventSchema,
  toInboundMessage,
  type SlackSelf,
} from "./inbound.ts";
import { fetchSlackFile } from "./media.ts";
import { createSlackOutbound } from "./outbound.ts";
import { createSlackCatchUp } from "./catch-up.ts";
import { createSlackSocket } from "./socket.ts";
import { createSlackWebhookRoutes, type Handled } from "./webhook.ts";
import { createPeopleCache } from "../kit/name-cache.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import { localeFromTag } from "../../core/i18n/locale.ts";

/** Knobs that tests turn down; production keeps the defaults. */
export interface SlackAdapterOptions {
  /** Web API retries for network errors and 5xx (429 is never retried here: the outbox waits `Retry-After`). Default 2. */
  apiRetries?: number;
  /** When auth.test cannot reach Slack at start, it is tried again after this. Default 30 s. */
  authRetryMs?: number;
  /** Socket Mode: pong wait, and the unit of the reconnect delay. Default 5000 (the SDK's). */
  clientPingTimeoutMs?: number;
  /** Socket Mode: a new socket without `hello` after this is replaced. Default 10 s. */
  helloTimeoutMs?: number;
  /** Every Web API call gives up after this (then a retryable "timeout"). Default 30 s. */
  callTimeoutMs?: number;
  now?: () => number;
}

const authTestSchema = z.object({ user_id: z.string(), bot_id: z.string().nullish(), user: z.string().nullish(), team: z.string().nullish() });

/** Receives nothing itself: in Events API mode the gateway's server serves our webhook routes. */
const gatewayReceiver: Receiver = { init() {}, async start() {}, async stop() {} };

/**
 * Slack through @slack/bolt: Socket Mode when an app token is set, else the Events API on the
 * gateway's server. DMs, @mentions (answered in a thread), files, streaming by `chat.update`,
 * Block Kit buttons for approvals.
 */
export function createSlackAdapter(settings: SlackConfig, deps: AdapterDeps, options: SlackAdapterOptions = {}): Adapter {
  const now = options.now ?? Date.now;
  const logger = deps.logger;
  const sdkLogger = boltLogger(logger);
  const retryConfig = { retries: options.apiRetries ?? 2, minTimeout: 500, maxTimeout: 3000 };
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const isSocketMode = Boolean(settings.appToken);
  let health: ChannelHealth = { state: "starting" };
  let sink: InboundSink | undefined;
  let self: SlackSelf = { userId: undefined, botId: undefined };
  let selfName: string | undefined;
  let pendingSink: InboundSink | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let lifetime: AbortController | undefined;
  let socketRun: Promise<void> | undefined;

  const setHealth = (next: ChannelHealth) => {
    if (health.state !== "stopped") health = next;
  };

  if (!isSocketMode && !settings.signingSecret) {
    throw new BridgeError("config", "SLACK_SIGNING_SECRET: required for the Events API (or set SLACK_APP_TOKEN for Socket Mode)");
  }

  const receive = async (message: InboundMessage | undefined): Promise<Handled> => {
    if (!sink) return "not-ready";
    if (message) {
      // Most events carry only the user id; pairing requests and the agent read better with a name. The person's
      // Slack language (users.info with include_locale, once per person) is the language the bot answers them in.
      const person = await people(message.sender.id);
      if (message.sender.displayName === message.sender.id && person?.name) message.sender.displayName = person.name;
      if (person?.locale) message.sender.locale = person.locale;
      const receipt = await sink.receive(message);
      logger.debug({ id: message.id, isDuplicate: receipt.isDuplicate }, "slack message received");
    }
    return "accepted";
  };

  const badInput = (what: string, error: z.ZodError) => {
    const issue = error.issues[0];
    return new BridgeError("bad-input", `${what}: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid"}`);
  };

  const onEvent = async (body: { type: string }): Promise<Handled> => {
    if (body.type !== "event_callback") return sink ? "accepted" : "not-ready";
    const parsed = slackEventCallbackSchema.safeParse(body);
    if (!parsed.success) throw badInput("event", parsed.error);
    if (isSpokenEvent(parsed.data.event)) {
      const event = slackMessageEventSchema.safeParse(parsed.data.event);
      if (!event.success) throw badInput("event", event.error);
    }
    const handled = await receive(toInboundMessage(parsed.data, self));
    const event = parsed.data.event as { type: string; channel?: unknown; ts?: unknown };
    if (handled === "accepted" && isSocketMode && typeof event.channel === "string" && typeof event.ts === "string" && isSpokenEvent(event)) {
      catchUp.note(event.channel, event.ts);
    }
    return handled;
  };

  const onInteraction = async (payload: { type: string }): Promise<Handled> => {
    if (payload.type !== "block_actions") return sink ? "accepted" : "not-ready";
    const parsed = slackBlockActionsSchema.safeParse(payload);
    if (!parsed.success) throw badInput("payload", parsed.error);
    return receive(actionToInboundMessage(parsed.data));
  };

  const socket = isSocketMode
    ? createSlackSocket({
        appToken: settings.appToken!,
        apiUrl: settings.apiUrl,
        retryConfig,
        clientPingTimeoutMs: options.clientPingTimeoutMs ?? 5000,
        helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
        callTimeoutMs,
        logger,
        onReconnected: () => void catchUp.run(),
        sdkLogger,
        setHealth,
        async onEnvelope(type, payload) {
          const typed = z.looseObject({ type: z.string() }).safeParse(payload);
          if (!typed.success) return;
          let handled: Handled;
          try {
            handled = type === "interactive" ? await onInteraction(typed.data) : type === "events_api" ? await onEvent(typed.data) : "accepted";
          } catch (error) {
            // A malformed envelope is acknowledged (a redelivery would be just as malformed); a store failure is not.
            if (error instanceof BridgeError && error.code === "bad-input") return logger.warn({ err: error, type }, "slack envelope ignored");
            throw error;
          }
          if (handled === "not-ready") throw new BridgeError("upstream", "slack channel is not started");
        },
      })
    : undefined;
  const receiver = socket?.receiver ?? gatewayReceiver;

  // Token verification stays off here: the constructor would call auth.test unawaited (an unhandled
  // rejection when it fails). start() calls it instead and reports the outcome in health().
  const app = new App({
    token: settings.botToken,
    receiver,
    tokenVerificationEnabled: false,
    logger: sdkLogger,
    clientOptions: { slackApiUrl: settings.apiUrl, retryConfig, rejectRateLimitedCalls: true, timeout: callTimeoutMs },
  });
  const client = app.client;
  const catchUp = createSlackCatchUp({
    client,
    logger,
    async deliver(body) {
      if ((await onEvent(body)) === "not-ready") throw new BridgeError("upstream", "slack channel is not started");
    },
  });
  const people = createPeopleCache(async (user) => {
    const { user: found } = await client.users.info({ user, include_locale: true });
    const name = found?.profile?.display_name || found?.profile?.real_name || found?.real_name || found?.name;
    const locale = localeFromTag(found?.locale);
    return { ...(name ? { name } : {}), ...(locale ? { locale } : {}) } as { name?: string; locale?: Locale };
  }, logger);

  const fetchMedia = (ref: Parameters<Adapter["fetchMedia"]>[0]) =>
    fetchSlackFile(ref, { client, botToken: settings.botToken, apiUrl: settings.apiUrl, maxBytes: deps.maxMediaBytes });
  const outbound = createSlackOutbound({ client, fetchMedia, maxMediaBytes: deps.maxMediaBytes, storedFiles: deps.storedFiles });

  /** auth.test, then open for events (Events API) or connect (Socket Mode); a network failure is tried again later. */
  const goLive = async (): Promise<void> => {
    health = { state: "starting", detail: "checking the bot token (auth.test)" };
    try {
      const auth = authTestSchema.parse(await client.auth.test());
      self = { userId: auth.user_id, botId: auth.bot_id ?? undefined };
      selfName = auth.user ?? undefined;
      logger.info({ botUserId: auth.user_id, team: auth.team, mode: isSocketMode ? "socket" : "events" }, "slack bot identified");
    } catch (error) {
      const bridged = toSlackBridgeError(error, "the bot token check (auth.test)");
      if (health.state === "stopped") return;
      const willRetry = bridged.code === "upstream" || bridged.code === "rate-limited";
      health = { state: "error", detail: bridged.message };
      logger.error({ err: bridged, willRetry }, willRetry ? "slack auth.test failed; trying again" : "slack auth.test refused the token; the channel stays off");
      if (willRetry) {
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          void goLive();
        }, Math.max(options.authRetryMs ?? 30_000, bridged.retryAfterMs ?? 0));
      }
      return;
    }
    if (health.state === "stopped") return;
    sink = pendingSink;
    if (!isSocketMode) {
      health = { state: "ready" };
      return;
    }
    // Not awaited: the gateway starts while the socket connects (and keeps reconnecting).
    lifetime = new AbortController();
    socketRun = socket!.lifecycle(app).run(lifetime.signal);
  };

  return {
    platform: "slack",
    capabilities: { maxTextLength: 3500, minEditIntervalMs: 1000, hasButtons: true, hasVoiceOut: false },
    ...(isSocketMode
      ? {}
      : { routes: createSlackWebhookRoutes({ signingSecret: settings.signingSecret!, logger, now, onEvent, onInteraction }) }),

    async start(inboundSink) {
      pendingSink = inboundSink;
      await goLive();
    },

    async stop() {
      health = { state: "stopped" };
      clearTimeout(retryTimer);
      sink = pendingSink = undefined;
      lifetime?.abort();
      await socketRun;
    },

    health: () => health,
    send: (to, part) => outbound.send(to, part),
    edit: (sent, part) => outbound.edit(sent, part),
    fetchMedia,
    selfNames: () => (selfName ? [selfName, `@${selfName}`] : []),
  };
}
