import type { ChannelHealth } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";

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

/**
 * The login lifecycle of one wechaty bot: the QR code while it waits for a scan, ready once
 * logged in, and after a logout or a failure before login, a restart with exponential backoff
 * (never a tight loop: puppet errors arriving while a restart is pending are folded into it).
 * Errors after login are logged and leave the session alone: re-logins are themselves a risk signal.
 */
export function createConnection(bot: BotLike, options: ConnectionOptions): Connection {
  const { logger } = options;
  let health: ChannelHealth = { state: "stopped" };
  let self: { id: string; name: string } | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let isStopped = true;
  /** True while this code stops the bot, whose own logout event is then expected. */
  let isStopping = false;
  /** While `bot.start()` runs, a failure waits for it to return before a restart is scheduled. */
  let isStarting = false;
  let failureWhileStarting: string | undefined;
  let lastQr: string | undefined;

  const scheduleRestart = (detail: string) => {
    health = { state: "error", detail };
    if (isStarting) failureWhileStarting = detail;
    if (isStopped || restartTimer || isStarting || isStopping) return;
    const delayMs = Math.min(options.initialRestartDelayMs * 2 ** failures, options.maxRestartDelayMs);
    failures += 1;
    logger.warn({ detail, delayMs, failures }, "wechat: restarting the puppet after a delay");
    health = { state: "error", detail: `${detail}; retrying in ${Math.round(delayMs / 1000)} s` };
    restartTimer = setTimeout(() => void restart(), delayMs);
  };

  const launch = async () => {
    isStarting = true;
    failureWhileStarting = undefined;
    try {
      await bot.start();
    } catch (error) {
      logger.error({ err: error }, "wechat: the puppet did not start");
      failureWhileStarting = `puppet failed to start: ${describe(error)}`;
    } finally {
      isStarting = false;
    }
    if (failureWhileStarting && !self) scheduleRestart(failureWhileStarting);
    else if (!self && health.state === "starting" && !health.loginQr) health = { state: "starting", detail: "waiting for the puppet to log in" };
  };

  const restart = async () => {
    restartTimer = undefined;
    if (isStopped) return;
    isStopping = true;
    await bot.stop().catch((error: unknown) => logger.warn({ err: error }, "wechat: stopping the puppet failed"));
    isStopping = false;
    if (isStopped) return;
    health = { state: "starting", detail: "restarting the puppet" };
    await launch();
  };

  bot.on("scan", (qrcode, status) => {
    if (isStopped) return;
    if (status === scanStatus.waiting || status === scanStatus.timeout) {
      health = { state: "starting", detail: "waiting for scan", loginQr: qrcode };
      if (qrcode && qrcode !== lastQr) {
        lastQr = qrcode;
        logger.info({ qrcode }, "wechat: scan the QR code with WeChat to log in");
        options.showQr(qrcode);
      }
    } else if (status === scanStatus.scanned) {
      health = { state: "starting", detail: "scanned: confirm the login on the phone" };
    } else if (status === scanStatus.confirmed) {
      health = { state: "starting", detail: "login confirmed: logging in" };
    } else if (status === scanStatus.cancel) {
      health = { state: "starting", detail: "login cancelled on the phone: waiting for a new QR code" };
    }
  });
  bot.on("login", (user) => {
    self = { id: user.id, name: user.name() };
    failures = 0;
    lastQr = undefined;
    health = { state: "ready" };
    logger.info({ userId: user.id }, "wechat: logged in");
  });
  bot.on("logout", (_user, reason) => {
    self = undefined;
    if (isStopped || isStopping) return;
    logger.warn({ reason }, "wechat: logged out");
    scheduleRestart(`logged out${reason ? `: ${reason}` : ""}`);
  });
  bot.on("heartbeat", () => {
    if (self && health.state === "degraded") {
      logger.info({}, "wechat: the puppet is answering again");
      health = { state: "ready" };
    }
  });
  bot.on("error", (error) => {
    if (isStopped || isStopping) return;
    // wechaty-puppet's own watchdog: no heartbeat within its timeout (60 s) and it resets the puppet.
    if (self && /WatchdogAgent reset/.test(describe(error))) {
      logger.warn({ err: error }, "wechat: the puppet went quiet; it is being reset");
      health = { state: "degraded", detail: "no heartbeat from the puppet; resetting it" };
      return;
    }
    if (self) {
      logger.warn({ err: error }, "wechat: puppet error while logged in");
      return;
    }
    logger.debug({ err: error }, "wechat: puppet error");
    scheduleRestart(`puppet error: ${describe(error)}`);
  });

  return {
    async start(startWaitMs = 15_000) {
      isStopped = false;
      health = { state: "starting", detail: "starting the puppet" };
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, startWaitMs);
      });
      try {
        await Promise.race([launch(), waited]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      isStopped = true;
      clearTimeout(restartTimer);
      restartTimer = undefined;
      isStopping = true;
      await bot.stop().catch((error: unknown) => logger.warn({ err: error }, "wechat: stopping the puppet failed"));
      isStopping = false;
      self = undefined;
      health = { state: "stopped" };
    },
    health: () => health,
    self: () => self,
  };
}
