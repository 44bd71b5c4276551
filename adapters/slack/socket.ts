import { SocketModeReceiver, type Logger as BoltLogger } from "@slack/bolt";
import type { ChannelHealth } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";

export interface SlackSocketDeps {
  appToken: string;
  apiUrl: string;
  retryConfig: { retries: number; minTimeout?: number; maxTimeout?: number };
  /** The client waits this long for a pong, and this long times the failures before reconnecting. */
  clientPingTimeoutMs: number;
  logger: Logger;
  sdkLogger: BoltLogger;
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
    installerOptions: { clientOptions: { slackApiUrl: deps.apiUrl, retryConfig: deps.retryConfig } },
  });
  const client = receiver.client;
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
  client.on("connected", () => deps.setHealth({ state: "ready" }));
  client.on("close", () => deps.setHealth({ state: "starting", detail: "Socket Mode connection lost; reconnecting" }));
  client.on("reconnecting", () => deps.setHealth({ state: "starting", detail: "reconnecting to Slack (Socket Mode)" }));
  client.on("disconnected", () => deps.setHealth({ state: "starting", detail: "Socket Mode connection closed" }));
  return receiver;
}
