import { Writable } from "node:stream";
import type { Logger } from "../../core/types/logger.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** One call on a recording logger, with the child bindings it was written under. */
export interface LogEntry {
  level: LogLevel;
  bindings: Record<string, unknown>;
  object: object;
  message: string | undefined;
}

/** What to look for: an exact message or one matching a pattern, at a level. */
export interface LogQuery {
  message?: string | RegExp;
  level?: LogLevel;
}

const matches = (entry: { level: string; message: string | undefined }, query: LogQuery) =>
  (query.level === undefined || entry.level === query.level) &&
  (query.message === undefined ||
    (typeof query.message === "string" ? entry.message === query.message : query.message.test(entry.message ?? "")));

export interface RecordingLogger extends Logger {
  /** Every entry, oldest first, shared with the children. */
  entries: LogEntry[];
  find(query: LogQuery): LogEntry | undefined;
  filter(query: LogQuery): LogEntry[];
}

/** A Logger (no pino) that keeps every call, for code that takes a `logger` directly. */
export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): RecordingLogger => {
    const write = (level: LogLevel) => (object: object, message?: string) => void entries.push({ level, bindings, object, message });
    return {
      entries,
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (more) => make({ ...bindings, ...more }),
      find: (query) => entries.find((entry) => matches(entry, query)),
      filter: (query) => entries.filter((entry) => matches(entry, query)),
    };
  };
  return make({});
}

/** A Logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

const pinoLevels: Record<number, LogLevel> = { 20: "debug", 30: "info", 40: "warn", 50: "error" };

/** A pino destination (for `createLogger` and gateways) that keeps the lines written, as written (masked, JSON). */
export function collectingLog() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  /** The lines parsed back into records. */
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const recordMatches = (record: Record<string, unknown>, query: LogQuery) =>
    matches({ level: pinoLevels[record.level as number] ?? String(record.level), message: record.msg as string | undefined }, query);
  return {
    lines,
    destination,
    records,
    find: (query: LogQuery) => records().find((record) => recordMatches(record, query)),
    filter: (query: LogQuery) => records().filter((record) => recordMatches(record, query)),
  };
}
