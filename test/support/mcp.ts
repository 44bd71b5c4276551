import { fileURLToPath } from "node:url";
import type { McpServerConfig } from "../../agents/mcp/index.ts";
import type { Logger } from "../../core/types/logger.ts";

export const notesServerPath = fileURLToPath(new URL("../fakes/mcp-server.ts", import.meta.url));

/** The stdio test server (`test/fakes/mcp-server.ts`) as a config entry, writing its notes to `notesFile`. */
export function notesServer(notesFile: string, overrides: Partial<McpServerConfig> = {}): McpServerConfig {
  return { name: "notes", command: [process.execPath, notesServerPath, notesFile], risk: "exec", ...overrides };
}

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  bindings: Record<string, unknown>;
  object: object;
  message: string | undefined;
}

/** A Logger that keeps every entry, with the child bindings it was written under. */
export function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: LogEntry["level"]) => (object: object, message?: string) => void entries.push({ level, bindings, object, message });
    return {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), entries };
}
