import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
export { variableNames } from "./config-schema.ts";
import { channelsConfig, type ChannelConfig } from "./config-channels.ts";
import { readConfigFile, splitCommand, type ConfigFile, type ModelPrice } from "./config-file.ts";
import { budgetConfig, jobsConfig, llmConfig, mcpServersConfig, mediaConfig } from "./config-sections.ts";
import { platformSecretNames, platformsConfig, type PlatformsConfig } from "./config-platforms.ts";
import { envSchema, secretNames, type EnvValues } from "./config-schema.ts";
import type { ChannelPolicy } from "./policy.ts";
import type { Routing } from "./router.ts";
import { BridgeError } from "./types/errors.ts";
import type { Locale } from "./i18n/catalogue.ts";
import type { AcpAgentConfig, BudgetConfig, JobsConfig, LlmConfig, McpServerSettings, MediaConfig, OtelConfig } from "./config-types.ts";

export type { AcpAgentConfig, BudgetConfig, JobsConfig, LlmConfig, McpServerSettings, MediaConfig, OtelConfig } from "./config-types.ts";

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** DATABASE_URL: set, every store part lives in PostgreSQL, shared by all gateway processes on it; unset, SQLite in DATA_DIR. */
  databaseUrl: string | undefined;
  /** PINCER_LEASE_SEC in ms: how long a conversation's or a connection's lease lasts unless renewed (a dead holder's work is taken over after it). */
  leaseMs: number;
  /** PINCER_DB_POOL: pipelined connections each process opens to PostgreSQL for its message traffic (besides the inbox's, renewals', the slow statements' and the listener). */
  databasePoolSize: number;
  /** PINCER_RETENTION_DAYS: messages, run events and files older than this are pruned daily; 0 keeps everything. */
  retentionDays: number;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /** PINCER_LOCALE: the language the bot writes in when the platform does not tell a user's own. */
  locale: Locale;
  /** On SIGTERM/SIGINT, how long running turns may take to finish before they are left for the next start. */
  shutdownGraceSec: number;
  /** PINCER_ADMIN_TOKEN; unset, the gateway keeps a generated one in DATA_DIR/admin-token. */
  adminToken: string | undefined;
  /** Names besides loopback and HOST under which the web chat may be reached (the `Host` check). */
  allowedHosts: string[];
  /** Set: /metrics needs it as a Bearer token. */
  metricsToken: string | undefined;
  /** OTEL_EXPORTER_OTLP_ENDPOINT set: every trace span is also exported over OTLP/HTTP (gateway/otel.ts); unset, nothing is loaded. */
  otel: OtelConfig | undefined;
  /** The agent of conversations that no binding and no `/agent` choice sends elsewhere. */
  defaultAgent: string;
  /** Present when a model is configured (OPENAI_* or ANTHROPIC_*): the agent named `llm`. */
  llm: LlmConfig | undefined;
  /** ACP coding agents by name: `acp` from ACP_AGENT_COMMAND, others from PINCER_CONFIG. */
  acpAgents: Record<string, AcpAgentConfig>;
  routing: Routing;
  /** MCP servers whose tools join the LLM agent's (PINCER_CONFIG `mcpServers`). */
  mcpServers: McpServerSettings[];
  workspaceDir: string;
  isOwnerAutoApproved: boolean;
  budget: BudgetConfig;
  jobs: JobsConfig;
  media: MediaConfig;
  /** Each platform's default channel, where its credentials are present in the environment. */
  platforms: PlatformsConfig;
  /** The channels of PINCER_CONFIG `channels:` (more bots on a platform). */
  channels: ChannelConfig[];
  /** USD per million tokens, by model name (from PINCER_CONFIG `prices`). */
  prices: Record<string, ModelPrice>;
  policy: {
    dm: z.infer<typeof envSchema>["PINCER_DM_POLICY"];
    group: z.infer<typeof envSchema>["PINCER_GROUP_POLICY"];
    allowFrom: string[];
    allowGroups: string[];
    admins: string[];
    /** DM and group policies of the `channels:` entries that set their own, by channel id. */
    channels: Record<string, ChannelPolicy>;
  };
  /** Set when EMBEDDINGS_MODEL is: the OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_API_KEY) that embeds knowledge. */
  embeddings: { model: string; baseUrl: string | undefined; apiKey: string | undefined } | undefined;
  /** PINCER_FETCH_ALLOW: hosts, IPs or CIDRs `http_fetch` may reach although they are private. */
  fetchAllow: string[];
  /** Values that must never reach a log line. */
  secrets: string[];
  /** The environment of commands the agent runs (`shell`): the allowlist plus PINCER_CONFIG `shellEnv`. */
  commandEnv: Record<string, string>;
  /** The environment of MCP stdio servers, before each server's own `env`: the allowlist only. */
  mcpEnv: Record<string, string>;
}

export type Env = Record<string, string | undefined>;

/** What every child process may see of ours: never a token, secret, key or database URL. */
const inheritedNames = new Set(["PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR"]);

/**
 * The environment of a child process (coding agent, its terminals, `shell`, MCP stdio servers): an allowlist
 * (PATH, HOME, LANG, LC_*, TZ, TERM, …) plus the variables the configuration names for it.
 */
export function childEnv(env: Env, namedByConfig: readonly string[] = []): Record<string, string> {
  const named = new Set(namedByConfig);
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && (inheritedNames.has(entry[0]) || entry[0].startsWith("LC_") || named.has(entry[0])),
    ),
  );
}

/** Reads `.env` from the working directory (if any) under the real environment, which wins. */
export function readEnv(cwd = process.cwd()): Env {
  return readEnvFrom(resolve(cwd, ".env"));
}

/** Reads an env file (if it exists) under the real environment, which wins (`pincer setup --env-file`). */
export function readEnvFrom(path: string): Env {
  const fromFile = existsSync(path) ? parseEnv(readFileSync(path, "utf8")) : {};
  return { ...fromFile, ...process.env };
}

export function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

function agentsConfig(values: EnvValues, file: ConfigFile, channels: readonly ChannelConfig[], llm: LlmConfig | undefined, workspaceDir: string, env: Env) {
  const acp: Record<string, AcpAgentConfig> = {};
  if (values.ACP_AGENT_COMMAND) {
    acp.acp = { command: splitCommand(values.ACP_AGENT_COMMAND, "ACP_AGENT_COMMAND"), cwd: workspaceDir, env: childEnv(env, values.ACP_AGENT_ENV) };
  }
  for (const [name, agent] of Object.entries(file.agents)) {
    acp[name] = {
      command: splitCommand(agent.command, `PINCER_CONFIG: agents.${name}.command`),
      cwd: resolve(agent.cwd ?? workspaceDir),
      env: childEnv(env, agent.env),
    };
  }
  const names = ["builtin", ...(llm ? ["llm"] : []), ...Object.keys(acp)];
  const known = (name: string, where: string) => {
    if (!names.includes(name)) throw new BridgeError("config", `${where}: there is no agent named ${name} (agents: ${names.join(", ")})`);
    return name;
  };
  if (values.PINCER_AGENT === "llm" && !llm) {
    throw new BridgeError("config", "OPENAI_BASE_URL: required when PINCER_AGENT is llm (or set OPENAI_API_KEY, or ANTHROPIC_API_KEY)");
  }
  if (values.PINCER_AGENT === "acp" && !acp.acp) throw new BridgeError("config", "ACP_AGENT_COMMAND: required when PINCER_AGENT is acp");
  const defaultAgent = values.PINCER_AGENT
    ? known(values.PINCER_AGENT, "PINCER_AGENT")
    : file.defaultAgent
      ? known(file.defaultAgent, "PINCER_CONFIG: defaultAgent")
      : llm
        ? "llm"
        : acp.acp
          ? "acp"
          : "builtin";
  file.bindings.forEach((binding, index) => known(binding.agent, `PINCER_CONFIG: bindings.${index}.agent`));
  // A channel's agent is a binding on the channel, after the file's own (a binding naming a chat there wins).
  const channelBindings = channels.flatMap((channel, index) =>
    channel.agent ? [{ match: { channel: channel.id }, agent: known(channel.agent, `PINCER_CONFIG: channels.${index} (${channel.id}): agent`) }] : [],
  );
  return { defaultAgent, acpAgents: acp, routing: { bindings: [...file.bindings, ...channelBindings], defaultAgent } };
}

export function loadConfig(env: Env = readEnv()): Config {
  const values = parseValues(env);
  checkCombinations(values);
  const dataDir = resolve(values.DATA_DIR);
  const workspaceDir = resolve(values.WORKSPACE_DIR ?? `${dataDir}/workspace`);
  const file = readConfigFile(values.PINCER_CONFIG, env);
  const llm = llmConfig(values);
  const channels = channelsConfig(file);
  const agents = agentsConfig(values, file, channels, llm, workspaceDir, env);
  return {
    host: values.HOST,
    port: values.PORT,
    dataDir,
    databaseUrl: values.DATABASE_URL,
    leaseMs: values.PINCER_LEASE_SEC * 1000,
    databasePoolSize: values.PINCER_DB_POOL,
    retentionDays: values.PINCER_RETENTION_DAYS,
    logLevel: values.LOG_LEVEL,
    locale: values.PINCER_LOCALE,
    shutdownGraceSec: values.PINCER_SHUTDOWN_GRACE_SEC,
    adminToken: values.PINCER_ADMIN_TOKEN,
    allowedHosts: values.PINCER_ALLOWED_HOSTS,
    metricsToken: values.PINCER_METRICS_TOKEN,
    otel: otelConfig(values),
    llm,
    ...agents,
    mcpServers: mcpServersConfig(file),
    workspaceDir,
    isOwnerAutoApproved: values.PINCER_OWNER_AUTO_APPROVE,
    budget: budgetConfig(values),
    jobs: jobsConfig(values),
    prices: file.prices,
    platforms: platformsConfig(values),
    channels,
    media: mediaConfig(values),
    policy: {
      dm: values.PINCER_DM_POLICY,
      group: values.PINCER_GROUP_POLICY,
      allowFrom: [...values.PINCER_ALLOW_FROM, ...channels.flatMap((channel) => channel.allowFrom)],
      allowGroups: values.PINCER_ALLOW_GROUPS,
      admins: [...values.PINCER_ADMINS, ...channels.flatMap((channel) => channel.admins)],
      channels: Object.fromEntries(channels.map((channel) => [channel.id, channel.policy])),
    },
    fetchAllow: values.PINCER_FETCH_ALLOW,
    embeddings: values.EMBEDDINGS_MODEL ? { model: values.EMBEDDINGS_MODEL, baseUrl: values.OPENAI_BASE_URL, apiKey: values.OPENAI_API_KEY } : undefined,
    secrets: secretsOf(values, file, channels),
    commandEnv: childEnv(env, file.shellEnv),
    mcpEnv: childEnv(env),
  };
}

/** The environment variables, parsed; the first problem is thrown naming its variable (a secret's value is not repeated). */
function parseValues(env: Env): EnvValues {
  // An empty value (`PORT=` in .env) means unset: the default applies.
  const known = Object.fromEntries(Object.keys(envSchema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]));
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const got = secretNames.has(name) ? undefined : env[name];
    throw new BridgeError("config", `${name}: ${issue.message}${got === undefined ? "" : ` (got "${got}")`}`);
  }
  return parsed.data;
}

/** Settings that are valid alone but not together. */
function checkCombinations(values: EnvValues): void {
  if (!isLoopbackHost(values.HOST) && !values.PINCER_ADMIN_TOKEN) {
    throw new BridgeError(
      "config",
      `PINCER_ADMIN_TOKEN: required when HOST is not a loopback address (HOST is "${values.HOST}"); expected a random string of at least 16 characters`,
    );
  }
  if (values.TTS_PROVIDER === "openai" && !(values.TTS_BASE_URL ?? values.STT_BASE_URL) && !(values.TTS_API_KEY ?? values.STT_API_KEY)) {
    throw new BridgeError("config", "TTS_BASE_URL: required when TTS_PROVIDER is openai (or set TTS_API_KEY for OpenAI itself; STT_* is used when TTS_* is unset)");
  }
  if (values.STT_PROVIDER === "openai" && !values.STT_BASE_URL && !values.STT_API_KEY) {
    throw new BridgeError("config", "STT_BASE_URL: required when STT_PROVIDER is openai (or set STT_API_KEY for OpenAI itself)");
  }
}


/** OTEL_EXPORTER_OTLP_HEADERS values are percent-encoded (the OpenTelemetry specification); a stray `%` stays as written. */
function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** OpenTelemetry export, from the variables the OpenTelemetry specification names. */
function otelConfig(values: EnvValues): OtelConfig | undefined {
  if (!values.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const headers = Object.fromEntries(
    (values.OTEL_EXPORTER_OTLP_HEADERS ?? "")
      .split(",")
      .filter((pair) => pair.includes("="))
      .map((pair) => [pair.slice(0, pair.indexOf("=")).trim(), percentDecoded(pair.slice(pair.indexOf("=") + 1).trim())]),
  );
  return { endpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, headers, serviceName: values.OTEL_SERVICE_NAME };
}

/** Values that must never reach a log line. */
function secretsOf(values: EnvValues, file: ConfigFile, channels: readonly { secrets: readonly string[] }[]): string[] {
  // MCP servers' env may carry their credentials, and their stderr is logged.
  return [
    values.DATABASE_URL, values.PINCER_ADMIN_TOKEN, values.PINCER_METRICS_TOKEN, values.OTEL_EXPORTER_OTLP_HEADERS, values.OPENAI_API_KEY, values.ANTHROPIC_API_KEY, values.STT_API_KEY, values.TTS_API_KEY,
    ...platformSecretNames.map((name) => values[name]),
    ...channels.flatMap((channel) => channel.secrets),
    ...Object.values(file.mcpServers).flatMap((server) => Object.values(server.env ?? {})),
  ].filter((value): value is string => Boolean(value));
}

export type { ModelPrice } from "./config-file.ts";
