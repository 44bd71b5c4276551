import type { RiskLevel } from "../../core/permissions.ts";

/** One MCP server from `PINCER_CONFIG`: a command to spawn (stdio) or a streamable HTTP URL, never both. */
export interface McpServerConfig {
  /** Prefix of its tools' names (`<name>__<tool>`), and its name in logs and approval requests. */
  name: string;
  /** Executable and arguments, not a shell line. */
  command?: string[];
  /** Added to the allowlisted variables (PATH, HOME, LANG, …), the only ones a stdio server inherits. */
  env?: Record<string, string>;
  url?: string;
  /** Applies to every tool of the server; "exec" (the default in config) asks unless an owner auto-approves. */
  risk: RiskLevel;
}

/** Why a server entry cannot be used, or undefined when it can. */
export function configProblem(config: McpServerConfig): string | undefined {
  if ((config.command === undefined) === (config.url === undefined)) return "needs exactly one of command or url";
  if (config.command !== undefined && !config.command[0]) return "has an empty command";
  if (config.url !== undefined && !(URL.canParse(config.url) && /^https?:$/.test(new URL(config.url).protocol))) {
    return "has a url that is not http(s)";
  }
  return undefined;
}
