import { SocketModeReceiver, type Logger as BoltLogger } from "@slack/bolt";
import type { ChannelHealth } from "../../core/types/adapter.ts";
import { createConnectionLifecycle, type ConnectionLifecycle, type ConnectionSession } from "../kit/connection-lifecycle.ts";
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

/** The receiver bolt's App is built on, and the lifecycle that connects it (run by the adapter after auth.test). */
export interface SlackSocket {
  receiver: SocketModeReceiver;
  /** Runs `connect` (bolt's app.start and app.stop) as sessions of the kit's connection lifecycle. */
  lifecycle(connect: { start(): Promise<unknown>; stop(): Promise<unknown> }): ConnectionLifecycle;
}

/**
 * Bolt's SocketModeReceiver (its client calls `apps.connections.open` with the app token, connects,
 * waits for `hello`, reconnects when the socket drops). Its own dispatch into bolt is replaced by
 * ours, so each envelope is acknowledged after the inbox has it, not before. The kit's connection
 * lifecycle supervises it: a socket without `hello` within `helloTimeoutMs` is cut (the client
 * reconnects), a client that fails to start is started again after a backoff.
 */
export function createSlackSocket(deps: SlackSocketDeps): SlackSocket {
  const receiver = new SocketModeReceiver({
    appToken: deps.appToken,
    logger: deps.sdkLogger,
    clientPingTimeout: deps.clientPingTimeoutMs,
    installerOptions: { clientOptions: { slackApiUrl: deps.apiUrl, retryConfig: deps.retryConfig, timeout: deps.callTimeoutMs } },
  });
  const client = receiver.client;
  let session: ConnectionSession | undefined;
  let liveSignal: AbortSignal | undefined;
  let isLost = false;
  const lost = (detail: string) => {
    if (session?.hasBeenUp) isLost = true;
    session?.down(detail);
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
  client.on("connecting", () => {
    // Stopped while apps.connections.open was on its way: the client opens the socket right after this event, so
    // close it (still connecting) just after, instead of waiting for a hello that may come late or never.
    if (liveSignal?.aborted) queueMicrotask(() => void client.disconnect());
    else session?.connecting();
  });
  client.on("connected", () => {
    session?.up();
    if (isLost) {
      isLost = false;
      deps.onReconnected();
    }
  });
  // The SDK closes a socket whose pongs (clientPingTimeout) or Slack's pings (serverPingTimeout) stop.
  client.on("close", () => lost("Socket Mode connection lost; reconnecting"));
  client.on("reconnecting", () => lost("reconnecting to Slack (Socket Mode)"));
  client.on("disconnected", () => session?.down("Socket Mode connection closed"));

  const lifecycle = (app: { start(): Promise<unknown>; stop(): Promise<unknown> }) =>
    createConnectionLifecycle({
      what: "Slack Socket Mode",
      logger: deps.logger,
      backoff: { minMs: 1000, maxMs: 30_000 },
      connectTimeoutMs: deps.helloTimeoutMs,
      onHealth: deps.setHealth,
      describeFailure: (error) => ({ detail: `Socket Mode: ${error instanceof Error ? error.message : String(error)}` }),
      async connect(current) {
        session = current;
        liveSignal = current.signal;
        current.connecting("connecting to Slack (Socket Mode)");
        // A socket that opened but got no hello: the first call sends a close frame; the second, on a socket now
        // closing, tears it down at once instead of waiting 30 s for a peer that is not answering. The client then
        // reconnects.
        current.onReplace(() => {
          const socket = client.websocket;
          socket?.disconnect();
          socket?.disconnect();
        });
        const stopApp = () => app.stop().catch((error: unknown) => deps.logger.warn({ err: error }, "slack Socket Mode did not close cleanly"));
        const aborted = new Promise((resolve) => current.signal.addEventListener("abort", resolve, { once: true }));
        const started = app.start();
        try {
          await Promise.race([started, aborted]);
          await aborted;
        } finally {
          session = undefined;
          started.catch(() => undefined);
          await stopApp();
        }
      },
    });
  return { receiver, lifecycle };
}
