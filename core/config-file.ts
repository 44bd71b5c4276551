import { readFileSync } from "node:fs";
import { parse as parseShell } from "shell-quote";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BridgeError } from "./types/errors.ts";

// The optional YAML file named by PINCER_CONFIG: prices, agents, MCP servers, routing bindings and channels.

type Env = Record<string, string | undefined>;

const priceSchema = z.object({
  input: z.number().min(0),
  output: z.number().min(0),
  cachedInput: z.number().min(0).optional(),
});
export type ModelPrice = z.infer<typeof priceSchema>;

const agentName = z.string().regex(/^[a-z][a-z0-9_-]*$/, { error: "expected a lowercase name" });
const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected an environment variable name" });
const riskLevel = z.enum(["read", "write", "exec", "network"]);

/** The optional YAML file named by PINCER_CONFIG. `${NAME}` is replaced by the environment variable NAME. */
const fileSchema = z
  .object({
    prices: z.record(z.string(), priceSchema).default({}),
    /** ACP coding agents by name: a command line (split like a shell would), a working directory, the variables it may see. */
    agents: z
      .record(agentName, z.object({ command: z.string().min(1), cwd: z.string().optional(), env: z.array(variableName).default([]) }))
      .default({}),
    /** Variables of ours that `shell` commands may see beyond the allowlist. */
    shellEnv: z.array(variableName).default([]),
    mcpServers: z
      .record(
        agentName,
        z
          .object({
            command: z.string().min(1).optional(),
            url: z.url().optional(),
            env: z.record(z.string(), z.string()).optional(),
            risk: riskLevel.default("exec"),
          })
          .refine((server) => (server.command === undefined) !== (server.url === undefined), { error: "expected either command or url" }),
      )
      .default({}),
    bindings: z
      .array(
        z.object({
          match: z.object({ platform: z.string(), channel: z.string(), chatId: z.string(), threadId: z.string(), sender: z.string() }).partial(),
          agent: agentName,
          model: z.string().optional(),
          instructions: z.string().max(4000).optional(),
          tools: z.enum(["all", "read", "none"]).optional(),
          autoApprove: z.array(z.string().min(1)).optional(),
          knowledge: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "expected a knowledge base name" })).optional(),
        }),
      )
      .default([]),
    defaultAgent: agentName.optional(),
    /**
     * Channels beyond each platform's default one: an id, a platform, the platform's settings under the names
     * of its environment variables (read by core/config-channels.ts), policy overrides and a default agent.
     */
    channels: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9-]+$/, { error: "expected an id of a-z, 0-9 and -" }),
            platform: z.string(),
            dmPolicy: z.enum(["pairing", "allowlist", "open"]).optional(),
            groupPolicy: z.enum(["pairing", "mention", "open", "disabled"]).optional(),
            /** User ids on this channel. */
            allowFrom: z.array(z.coerce.string()).default([]),
            admins: z.array(z.coerce.string()).default([]),
            agent: agentName.optional(),
          })
          .catchall(z.union([z.string(), z.number(), z.boolean()]).transform(String)),
      )
      .default([]),
  })
  .loose();

export type ConfigFile = z.infer<typeof fileSchema>;

/** A command line split like a shell would (quotes allowed); operators such as `|` or `;` are refused. */
export function splitCommand(line: string, variable: string): string[] {
  const words = parseShell(line);
  if (words.length === 0 || words.some((word) => typeof word !== "string")) {
    throw new BridgeError("config", `${variable}: expected a command line (program and arguments, quotes allowed, no | ; & or redirects)`);
  }
  return words as string[];
}

export function readConfigFile(path: string | undefined, env: Env): ConfigFile {
  if (!path) return fileSchema.parse({});
  let raw: unknown;
  try {
    const source = readFileSync(path, "utf8");
    const text = source.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
      const value = env[name];
      if (value === undefined) throw new BridgeError("config", `PINCER_CONFIG: ${path}${placeOf(source, name)} uses \${${name}}, which is not set`);
      return value;
    });
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new BridgeError("config", `PINCER_CONFIG: cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BridgeError("config", `PINCER_CONFIG: ${path}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}


/** Where `${name}` is used, for the error: `: channel "support", TELEGRAM_BOT_TOKEN,` or `: agents.x.command,`. */
function placeOf(source: string, name: string): string {
  let tree: unknown;
  try {
    tree = parseYaml(source);
  } catch {
    return "";
  }
  const path = findReference(tree, `\${${name}}`, []);
  if (!path) return "";
  const [section, index, field] = path;
  if (section === "channels" && typeof index === "number" && field !== undefined) {
    const id = (tree as { channels: { id?: unknown }[] }).channels[index]?.id;
    return `: channel "${typeof id === "string" ? id : index}", ${field},`;
  }
  return `: ${path.join(".")},`;
}

function findReference(node: unknown, reference: string, path: (string | number)[]): (string | number)[] | undefined {
  if (typeof node === "string") return node.includes(reference) ? path : undefined;
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = findReference(item, reference, [...path, index]);
      if (found) return found;
    }
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      const found = findReference(value, reference, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
