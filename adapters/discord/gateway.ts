import { WebSocketManager, WebSocketShardEvents } from "@discordjs/ws";
import type { Logger } from "../../core/types/logger.ts";
import type { ConnectionSession } from "../kit/connection-lifecycle.ts";
import type { DiscordRest } from "./rest.ts";

/**
 * GUILDS (threads, GUILD_CREATE), GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT (privileged: the content of
 * messages that do not mention the bot, needed in the threads it opened).
 * https://discord.com/developers/docs/events/gateway#gateway-intents
 */
export const gatewayIntents = (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15);

/** Close codes after which reconnecting cannot help: the bad token, an intent the app may not use. */
const finalCloses: Record<number, string> = {
  4004: "Discord refused the token (is DISCORD_BOT_TOKEN right?)",
  4013: "Discord refused the intents",
  4014: "Discord refused a privileged intent: turn on Message Content in the Developer Portal (Bot → Privileged Gateway Intents)",
};

export interface GatewayHandlers {
  dispatch(event: { t: string; d: unknown }): void;
  onReady(): void;
  onClosed(detail: string, isFinal: boolean): void;
  onError(error: Error): void;
}

/** Discord closed the gateway for good (a bad token, intents): reconnecting cannot help. */
export class GatewayRefused extends Error {}

/**
 * One session of the connection lifecycle: a WebSocketManager, whose own reconnect and resume ride out drops
 * (mapped onto the session as down and up), until the session is aborted, Discord refuses for good, or the
 * manager cannot connect (thrown, and the lifecycle starts a new manager after its backoff).
 */
export async function runDiscordGateway(
  options: { botToken: string; rest: DiscordRest; gatewayUrl: string | undefined; dispatch(event: { t: string; d: unknown }): void; logger: Logger },
  session: ConnectionSession,
): Promise<void> {
  const ended = Promise.withResolvers<void>();
  const onAbort = () => ended.resolve();
  session.signal.addEventListener("abort", onAbort, { once: true });
  const gateway = createDiscordGateway({
    ...options,
    handlers: {
      dispatch: (event) => {
        session.alive();
        options.dispatch(event);
      },
      onReady: () => session.up(),
      onClosed: (detail, isFinal) => (isFinal ? ended.reject(new GatewayRefused(detail)) : session.down(detail)),
      onError: (error) => options.logger.warn({ err: error }, "Discord gateway error"),
    },
  });
  gateway.connect().catch((error: unknown) => ended.reject(error));
  try {
    await ended.promise;
  } finally {
    session.signal.removeEventListener("abort", onAbort);
    await Promise.resolve()
      .then(() => gateway.destroy())
      .catch((error: unknown) => options.logger.warn({ err: error }, "Discord gateway did not close cleanly"));
  }
}

/**
 * The gateway through @discordjs/ws: hello, identify, heartbeats, resume after a drop (with Discord's replay of
 * what was missed) and a new session after an invalid one. The gateway URL comes from `GET /gateway/bot`, or
 * `gatewayUrl` when set.
 */
export function createDiscordGateway(options: { botToken: string; rest: DiscordRest; gatewayUrl: string | undefined; handlers: GatewayHandlers }) {
  const { handlers } = options;
  const rest = {
    async get(route: string) {
      const info = await options.rest.request<{ url: string; shards?: number; session_start_limit?: Record<string, number> }>("GET", route);
      return {
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        ...info,
        ...(options.gatewayUrl ? { url: options.gatewayUrl } : {}),
      };
    },
  };
  const manager = new WebSocketManager({
    token: options.botToken,
    intents: gatewayIntents,
    rest: rest as unknown as ConstructorParameters<typeof WebSocketManager>[0]["rest"],
    shardCount: 1,
  });
  manager.on(WebSocketShardEvents.Dispatch, ({ data }) => handlers.dispatch(data as { t: string; d: unknown }));
  manager.on(WebSocketShardEvents.Ready, () => handlers.onReady());
  manager.on(WebSocketShardEvents.Resumed, () => handlers.onReady());
  manager.on(WebSocketShardEvents.Closed, ({ code }) => handlers.onClosed(finalCloses[code] ?? `the gateway closed (${code}); reconnecting`, code in finalCloses));
  manager.on(WebSocketShardEvents.Error, ({ error }) => handlers.onError(error));
  return {
    connect: () => manager.connect(),
    destroy: () => manager.destroy({ reason: "Pincer stops", code: 1000 }),
  };
}
