import type { ChannelHealth } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createConnectionLifecycle, type ConnectionSession } from "../kit/connection-lifecycle.ts";

/** The part of a wechaty bot the connection drives: start, stop and the login events. */
export interface BotLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  on(event: "scan", listener: (qrcode: string, status: number) => void): unknown;
  on(event: "login", listener: (user: { id: string; name(): string }) => void): unknown;
  on(event: "logout", listener: (user: unknown, reason?: string) => void): unknown;
  on(event: "error", listener: (error: unknown) => void): unknown;
  on(event: "heartbeat", listener: (data: unknown) => void): unknown;
}

export interface ConnectionOptions {
  logger: Logger;
  /** Shows the login QR code to the operator (the terminal); `qrcode` is the text it encodes. */
  showQr: (qrcode: string) => void;
  /** First restart delay after a logout or a failure; doubled each time, up to `maxRestartDelayMs`. */
  initialRestartDelayMs: number;
  maxRestartDelayMs: number;
  /** The backoff's jitter source (tests make it predictable). */
  random?: () => number;
}

export interface Connection {
  /** Resolves once the puppet started (not logged in: that waits for a scan), or after `startWaitMs`, whichever is first. */
  start(startWaitMs?: number): Promise<void>;
  stop(): Promise<void>;
  health(): ChannelHealth;
  /** The logged-in account, or undefined while logged out. */
  self(): { id: string; name: string } | undefined;
}

/** wechaty-puppet's ScanStatus. */
const scanStatus = { cancel: 1, waiting: 2, scanned: 3, confirmed: 4, timeout: 5 } as const;

const describe = (error: unknown): string => {
  if (error instanceof Error) return error.message;
  if (error && typeof error === "object" && "data" in error) return String((error as { data: unknown }).data);
  return String(error);
};

/** The session that runs the puppet now: its failure ends it (the lifecycle restarts the puppet after a wait). */
interface PuppetRun {
  session: ConnectionSession;
  fail(detail: string): void;
  /** While `bot.start()` runs, a failure waits for it to return before the session ends. */
  isStarting: boolean;
  failure?: string;
}

/**
 * The login lifecycle of one wechaty bot, as sessions of the kit's connection lifecycle: the QR code while it
 * waits for a scan, ready once logged in, and after a logout or a failure before login, the puppet stopped and
 * started again after the lifecycle's backoff (never a tight loop: puppet errors arriving after the first one
 * are folded into it). Errors after login are logged and leave the session alone: re-logins are themselves a
 * risk signal.
 */
export function createConnection(bot: BotLike, options: ConnectionOptions): Connection {
  const { logger } = options;
  let self: { id: string; name: string } | undefined;
  let current: PuppetRun | undefined;
  let lastQr: string | undefined;
  let stopping: AbortController | undefined;
  let running: Promise<void> | undefined;
  let isStopped = true;
  /** Resolves when the first launch settled (the puppet started, or its failure is on health). */
  let firstLaunch = Promise.withResolvers<void>();

  const runPuppet = async (session: ConnectionSession): Promise<void> => {
    const ended = Promise.withResolvers<void>();
    const run: PuppetRun = {
      session,
      isStarting: true,
      fail(detail) {
        // Shown at once; the lifecycle keeps it on health while it waits to restart the puppet.
        session.show({ state: "error", detail });
        this.failure ??= detail;
        if (!this.isStarting) ended.reject(new Error(this.failure));
      },
    };
    current = run;
    session.show({ state: "starting", detail: session.hasBeenUp ? "restarting the puppet" : "starting the puppet" });
    session.signal.addEventListener("abort", () => ended.resolve(), { once: true });
    try {
      try {
        await bot.start();
      } catch (error) {
        logger.error({ err: error }, "wechat: the puppet did not start");
        run.failure ??= `puppet failed to start: ${describe(error)}`;
      } finally {
        run.isStarting = false;
      }
      if (run.failure && !self) throw new Error(run.failure);
      if (!self && lifecycle.health().state === "starting" && !lifecycle.health().loginQr) session.show({ state: "starting", detail: "waiting for the puppet to log in" });
      firstLaunch.resolve();
      await ended.promise;
    } finally {
      current = undefined;
      self = undefined;
      await bot.stop().catch((error: unknown) => logger.warn({ err: error }, "wechat: stopping the puppet failed"));
    }
  };

  const lifecycle = createConnectionLifecycle({
    what: "wechat puppet",
    logger,
    backoff: { minMs: options.initialRestartDelayMs, maxMs: options.maxRestartDelayMs, ...(options.random ? { random: options.random } : {}) },
    connect: runPuppet,
    describeFailure: (error) => ({ detail: describe(error) }),
    onHealth(health) {
      if (health.state === "error") firstLaunch.resolve();
    },
  });

  bot.on("scan", (qrcode, status) => {
    const session = current?.session;
    if (!session) return;
    if (status === scanStatus.waiting || status === scanStatus.timeout) {
      session.show({ state: "starting", detail: "waiting for scan", loginQr: qrcode });
      if (qrcode && qrcode !== lastQr) {
        lastQr = qrcode;
        logger.info({ qrcode }, "wechat: scan the QR code with WeChat to log in");
        options.showQr(qrcode);
      }
    } else if (status === scanStatus.scanned) {
      session.show({ state: "starting", detail: "scanned: confirm the login on the phone" });
    } else if (status === scanStatus.confirmed) {
      session.show({ state: "starting", detail: "login confirmed: logging in" });
    } else if (status === scanStatus.cancel) {
      session.show({ state: "starting", detail: "login cancelled on the phone: waiting for a new QR code" });
    }
  });
  bot.on("login", (user) => {
    if (!current) return;
    self = { id: user.id, name: user.name() };
    lastQr = undefined;
    current.session.up();
    logger.info({ userId: user.id }, "wechat: logged in");
  });
  bot.on("logout", (_user, reason) => {
    if (!current) return;
    self = undefined;
    logger.warn({ reason }, "wechat: logged out");
    current.fail(`logged out${reason ? `: ${reason}` : ""}`);
  });
  bot.on("heartbeat", () => {
    if (current && self && lifecycle.health().state === "degraded") {
      logger.info({}, "wechat: the puppet is answering again");
      current.session.up();
    }
  });
  bot.on("error", (error) => {
    if (!current) return;
    // wechaty-puppet's own watchdog: no heartbeat within its timeout (60 s) and it resets the puppet.
    if (self && /WatchdogAgent reset/.test(describe(error))) {
      logger.warn({ err: error }, "wechat: the puppet went quiet; it is being reset");
      current.session.down("no heartbeat from the puppet; resetting it");
      return;
    }
    if (self) {
      logger.warn({ err: error }, "wechat: puppet error while logged in");
      return;
    }
    logger.debug({ err: error }, "wechat: puppet error");
    current.fail(`puppet error: ${describe(error)}`);
  });

  return {
    async start(startWaitMs = 15_000) {
      isStopped = false;
      stopping = new AbortController();
      firstLaunch = Promise.withResolvers<void>();
      running = lifecycle.run(stopping.signal);
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, startWaitMs);
      });
      try {
        await Promise.race([firstLaunch.promise, waited]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      stopping?.abort();
      await running;
      isStopped = true;
    },
    health: () => (isStopped ? { state: "stopped" } : lifecycle.health()),
    self: () => self,
  };
}
