/** Notices a long connection or poller that went quiet, so it can be replaced instead of trusted. */
export interface SilenceWatchdogOptions {
  /** No sign of life (an event, a ping, a successful poll) for this long counts as silence. */
  silenceMs: number;
  /** Called once per silence, with how long it lasted; the watchdog is then disarmed until `arm()`. */
  onSilent(silentForMs: number): void;
  now?: () => number;
}

export interface SilenceWatchdog {
  /** Starts (or restarts) watching, counting from now: call it when a connection opens. */
  arm(): void;
  /** A sign of life. Ignored while disarmed. */
  touch(): void;
  /** Stops watching: the connection closed on purpose, or is being replaced. */
  disarm(): void;
  isArmed(): boolean;
}

/**
 * One timer per watchdog, not one per touch: `touch` only records the time, and the timer, when it
 * fires, either reports the silence or sleeps again until the latest touch would expire.
 */
export function createSilenceWatchdog(options: SilenceWatchdogOptions): SilenceWatchdog {
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let lastSignAt = 0;

  const check = () => {
    timer = undefined;
    const silentForMs = now() - lastSignAt;
    if (silentForMs < options.silenceMs) {
      schedule(options.silenceMs - silentForMs);
      return;
    }
    options.onSilent(silentForMs);
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(check, delayMs);
    timer.unref?.();
  };

  return {
    arm() {
      clearTimeout(timer);
      lastSignAt = now();
      schedule(options.silenceMs);
    },
    touch() {
      if (timer) lastSignAt = now();
    },
    disarm() {
      clearTimeout(timer);
      timer = undefined;
    },
    isArmed: () => timer !== undefined,
  };
}
