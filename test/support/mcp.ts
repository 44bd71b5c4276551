import { fileURLToPath } from "node:url";
import type { McpServerConfig } from "../../agents/mcp/index.ts";

export const notesServerPath = fileURLToPath(new URL("../fakes/mcp-server.ts", import.meta.url));

/** The stdio test server (`test/fakes/mcp-server.ts`) as a config entry, writing its notes to `notesFile`. */
export function notesServer(notesFile: string, overrides: Partial<McpServerConfig> = {}): McpServerConfig {
  return { name: "notes", command: [process.execPath, notesServerPath, notesFile], risk: "exec", ...overrides };
}
