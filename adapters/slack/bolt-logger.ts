import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../core/types/logger.ts";

const text = (parts: unknown[]) => parts.map((part) => (part instanceof Error ? part.message : String(part))).join(" ");

/** Bolt's and the Socket Mode client's log lines, into the gateway's logger (the SDKs never log tokens at info and above). */
export function boltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...parts: unknown[]) => logger.debug({ sdk: "slack" }, text(parts)),
    info: (...parts: unknown[]) => logger.info({ sdk: "slack" }, text(parts)),
    warn: (...parts: unknown[]) => logger.warn({ sdk: "slack" }, text(parts)),
    error: (...parts: unknown[]) => logger.warn({ sdk: "slack" }, text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
