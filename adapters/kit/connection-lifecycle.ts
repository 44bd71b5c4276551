import type { ChannelHealth } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createBackoff, type BackoffOptions } from "./backoff.ts";
import { createSilenceWatchdog } from "./silence-watchdog.ts";

/**
 * One run of a long connection or poller, as the lifecycle hands it to the adapter's `connect`.
 * `connect` returns (or throws) when the connection ended; the lifecycle then decides what happens next.
 */
export interface ConnectionSession {
  /** Aborted when the lifecycle stops or replaces this session: close the client and return. */
  readonly signal: AbortSignal;
  /** Whether any earlier session (or this one) was up: a drop after that shows as degraded, not starting. */
  readonly hasBeenUp: boolean;
  /** The connection is usable: health ready, the silence watch starts, the backoff resets (after `healthyAfterMs`). */
  up(): void;
  /** A sign of life (an event, a ping answered, a poll that returned): the silence watch counts from now. */
  alive(): void;
  /** A new attempt starts (a socket opened, the SDK reconnects): it must be up within `connectTimeoutMs`. */
  connecting(detail?: string): void;
  /**
   * The connection dropped and the SDK reconnects by itself: degraded (starting before the first up); without a
   * detail, health stays as it is (an error the adapter showed). The connect watch waits for the next `connecting()`.
   */
  down(detail?: string): void;
  /** A state the adapter knows better (a QR code waiting for a scan): shown as it is. */
  show(health: ChannelHealth): void;
  /** A problem the session rides out itself (a refused poll it retries after `waitMs`): shown and logged once per detail. */
  trouble(plan: FailurePlan): Promise<void>;
  /**
   * How to replace a connection that went silent without restarting the session (cut the socket, and the SDK
   * reconnects). Without one, a silent session is aborted and `connect` is called again.
   */
  onReplace(cut: () => void): void;
  /**
   * The silence this session allows, where the protocol names it (a heartbeat interval from the server's hello):
   * replaces `silenceMs` for this session; while up, the watch counts from now.
   */
  watchSilence(silenceMs: number): void;
}

/** How a failure shows on health and how long to wait before the next attempt. */
export interface FailurePlan {
  detail: string;
  /** Default "error". */
  state?: "error" | "degraded" | "starting";
  /** Default: the next backoff step. 0: at once. */
  waitMs?: number;
}

export interface ConnectionLifecycleOptions {
  /** For the logs: "Telegram polling", "Slack Socket Mode". */
  what: string;
  logger: Logger;
  /** Runs one connection until it ends (return) or fails (throw); it must return soon after `session.signal` aborts. */
  connect(session: ConnectionSession): Promise<void>;
  /** Between attempts after a failure: doubling from `minMs` to `maxMs`, with jitter (default 20 %). */
  backoff: BackoffOptions;
  /** While up: no `alive()` (or `up()`) for this long and the connection is replaced. Unset: not watched. */
  silenceMs?: number;
  /** From `connecting()`: not `up()` within this and the connection is replaced. Unset: not watched. */
  connectTimeoutMs?: number;
  /** A session up this long resets the backoff (so a connection that flaps keeps backing off). Default 0. */
  healthyAfterMs?: number;
  /** How a thrown failure shows and waits; default: error with its message and the next backoff step. */
  describeFailure?(error: unknown, hasBeenUp: boolean): FailurePlan;
  /** Health as it changes (besides `health()`). */
  onHealth?(health: ChannelHealth): void;
  now?: () => number;
}

export interface ConnectionLifecycle {
  /** Connects, watches and reconnects until `signal` aborts; resolves after the last session returned. */
  run(signal: AbortSignal): Promise<void>;
  health(): ChannelHealth;
}

class Replaced extends Error {}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * The one policy for every long connection and poller: connect, watch (silence while up, a connect that never
 * completes), reconnect with jittered backoff, and health as it goes (starting → ready → degraded or error →
 * ready … → stopped). Where an SDK keeps its own reconnect loop, `connect` starts the SDK client and reports its
 * events; the lifecycle restarts the client when the SDK gives up (connect throws) or goes silent.
 */
export function createConnectionLifecycle(options: ConnectionLifecycleOptions): ConnectionLifecycle {
  const { logger, what } = options;
  const now = options.now ?? Date.now;
  const backoff = createBackoff(options.backoff);
  let health: ChannelHealth = { state: "starting" };
  let hasBeenUp = false;
  let lastProblem: string | undefined;

  const setHealth = (next: ChannelHealth) => {
    health = next;
    options.onHealth?.(next);
  };
  const notePlan = (plan: FailurePlan, waitMs: number) => {
    setHealth({ state: plan.state ?? "error", detail: plan.detail });
    if (plan.detail !== lastProblem) logger.warn({ retryInMs: waitMs }, plan.detail);
    lastProblem = plan.detail;
  };
  const planFor = (error: unknown): FailurePlan =>
    options.describeFailure?.(error, hasBeenUp) ?? { detail: `${what} failed: ${messageOf(error)}` };

  const runSession = async (signal: AbortSignal): Promise<void> => {
    const controller = new AbortController();
    const sessionSignal = AbortSignal.any([signal, controller.signal]);
    let cut: (() => void) | undefined;
    let healthyTimer: NodeJS.Timeout | undefined;
    const replace = (detail: string, silentForMs: number) => {
      if (sessionSignal.aborted) return;
      logger.warn({ silentForMs }, `${what}: ${detail}; replacing the connection`);
      setHealth({ state: hasBeenUp ? "degraded" : "starting", detail: `${detail}; reconnecting` });
      if (cut) cut();
      else controller.abort(new Replaced(detail));
    };
    const watchdogFor = (silenceMs: number) => createSilenceWatchdog({ silenceMs, now, onSilent: (ms) => replace("no sign of life", ms) });
    let silence = options.silenceMs === undefined ? undefined : watchdogFor(options.silenceMs);
    let isUp = false;
    const connectWatch =
      options.connectTimeoutMs === undefined ? undefined : createSilenceWatchdog({ silenceMs: options.connectTimeoutMs, now, onSilent: (ms) => replace("the connection did not come up", ms) });
    const session: ConnectionSession = {
      signal: sessionSignal,
      get hasBeenUp() {
        return hasBeenUp;
      },
      up() {
        if (sessionSignal.aborted) return;
        connectWatch?.disarm();
        silence?.arm();
        isUp = true;
        if (lastProblem) logger.info({}, `${what} recovered`);
        lastProblem = undefined;
        hasBeenUp = true;
        setHealth({ state: "ready" });
        clearTimeout(healthyTimer);
        if (!options.healthyAfterMs) backoff.reset();
        else healthyTimer = setTimeout(() => backoff.reset(), options.healthyAfterMs);
      },
      alive: () => silence?.touch(),
      connecting(detail) {
        if (sessionSignal.aborted) return;
        connectWatch?.arm();
        if (detail) setHealth({ state: hasBeenUp ? "degraded" : "starting", detail });
      },
      down(detail) {
        if (sessionSignal.aborted) return;
        silence?.disarm();
        isUp = false;
        connectWatch?.disarm();
        clearTimeout(healthyTimer);
        if (detail !== undefined) setHealth({ state: hasBeenUp ? "degraded" : "starting", detail });
      },
      show(next) {
        if (!sessionSignal.aborted) setHealth(next);
      },
      async trouble(plan) {
        silence?.disarm();
        isUp = false;
        clearTimeout(healthyTimer);
        const waitMs = plan.waitMs ?? backoff.nextDelayMs();
        notePlan(plan, waitMs);
        await sleep(waitMs, sessionSignal);
      },
      onReplace(replaceWith) {
        cut = replaceWith;
      },
      watchSilence(silenceMs) {
        silence?.disarm();
        silence = watchdogFor(silenceMs);
        if (isUp && !sessionSignal.aborted) silence.arm();
      },
    };
    try {
      connectWatch?.arm();
      await options.connect(session);
      if (!signal.aborted && !controller.signal.aborted) {
        // Ended without an error (the SDK gave up, the server closed): start again after a step of backoff.
        const waitMs = backoff.nextDelayMs();
        notePlan({ state: hasBeenUp ? "degraded" : "starting", detail: `${what} ended; reconnecting` }, waitMs);
        await sleep(waitMs, signal);
      }
    } catch (error) {
      if (signal.aborted || controller.signal.aborted) return;
      const plan = planFor(error);
      const waitMs = plan.waitMs ?? backoff.nextDelayMs();
      notePlan(plan, waitMs);
      await sleep(waitMs, signal);
    } finally {
      silence?.disarm();
      connectWatch?.disarm();
      clearTimeout(healthyTimer);
      controller.abort();
    }
  };

  return {
    async run(signal) {
      while (!signal.aborted) await runSession(signal);
      setHealth({ state: "stopped" });
    },
    health: () => health,
  };
}
