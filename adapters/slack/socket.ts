import { SocketModeReceiver, type Logger as BoltLogger } from "@slack/bolt";
import type { ChannelHealth } from "../../core/types/adapter.ts";
import { createSilenceWatchdog } from "../kit/silence-watchdog.ts";
import type { Logger } from "../../core/types/logger.ts";

export interface SlackSocketDeps {
  appToken: string;
  apiUrl: string;
  retryConfig: { retries: number; minTimeout?: number; maxTimeout?: number };
  /** The client waits this long for a pong, and this long times the failures before reconnecting. */
  clientPingTimeoutMs: number;
  /**
   * A socket that opened but got no `hello` within this is closed and replaced. The SDK's own pings cover
   * a peer that stopped answering altogether; this covers one that answers pings but never says hello.
   */
  helloTimeoutMs: number;
  /** Web API calls (apps.connections.open) give up after this. */
  callTimeoutMs: number;
  logger: Logger;
  sdkLogger: BoltLogger;
  /** After a lost connection is back: the moment to fetch what was said meanwhile. */
  onReconnected(): void;
  setHealth(health: ChannelHealth): void;
  /**
   * Puts an envelope's payload in the inbox (or ignores it). The envelope is acknowledged only after
   * this resolved; when it throws, it is not, and Slack redelivers it.
   */
  onEnvelope(type: string, payload: unknown): Promise<void>;
}

/**
 * Bolt's SocketModeReceiver (its client calls `apps.connections.open` with the app token, connects,
 * waits for `hello`, reconnects when the socket drops). Its own dispatch into bolt is replaced by
 * ours, so each envelope is acknowledged after the inbox has it, not before.
 */
export function createSlackSocketReceiver(deps: SlackSocketDeps): SocketModeReceiver {
  const receiver = new SocketModeReceiver({
    appToken: deps.appToken,
    logger: deps.sdkLogger,
    clientPingTimeout: deps.clientPingTimeoutMs,
    installerOptions: { clientOptions: { slackApiUrl: deps.apiUrl, retryConfig: deps.retryConfig, timeout: deps.callTimeoutMs } },
  });
  const client = receiver.client;
  let hasBeenConnected = false;
  let isLost = false;
  const helloWatchdog = createSilenceWatchdog({
    silenceMs: deps.helloTimeoutMs,
    onSilent(silentForMs) {
      deps.logger.warn({ silentForMs }, "Slack Socket Mode: no hello on the new socket; replacing it");
      lost("Socket Mode connection opened but Slack never said hello; reconnecting");
      // The first call sends a close frame; the second, on a socket now closing, tears it down at once
      // instead of waiting 30 s for a peer that is not answering. The client then reconnects.
      const socket = client.websocket;
      socket?.disconnect();
      socket?.disconnect();
    },
  });
  const lost = (detail: string) => {
    if (hasBeenConnected) isLost = true;
    deps.setHealth({ state: hasBeenConnected ? "degraded" : "starting", detail });
  };
  client.removeAllListeners("slack_event");
  client.on("slack_event", async function onSlackEnvelope(args: { ack: () => Promise<void>; type: string; body: unknown }) {
    try {
      await deps.onEnvelope(args.type, args.body);
    } catch (error) {
      deps.logger.error({ err: error, type: args.type }, "slack envelope not stored; Slack will redeliver it");
      return;
    }
    try {
      await args.ack();
    } catch (error) {
      deps.logger.warn({ err: error }, "slack envelope stored but not acknowledged (the socket closed); the redelivery is a duplicate");
    }
  });
  client.on("connecting", () => helloWatchdog.arm());
  client.on("connected", () => {
    helloWatchdog.disarm();
    hasBeenConnected = true;
    deps.setHealth({ state: "ready" });
    if (isLost) {
      isLost = false;
      deps.onReconnected();
    }
  });
  // The SDK closes a socket whose pongs (clientPingTimeout) or Slack's pings (serverPingTimeout) stop.
  client.on("close", () => lost("Socket Mode connection lost; reconnecting"));
  client.on("reconnecting", () => lost("reconnecting to Slack (Socket Mode)"));
  client.on("disconnecting", () => helloWatchdog.disarm());
  client.on("disconnected", () => {
    helloWatchdog.disarm();
    deps.setHealth({ state: "starting", detail: "Socket Mode connection closed" });
  });
  return receiver;
}
