/** The environment's schema: every variable, its parsing and what it expects (read by core/config.ts only). */
import { isIP } from "node:net";
import { z } from "zod";
import { platformEnvShape, platformSecretNames } from "./config-platforms.ts";

const userRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*:.+$/, { error: "expected channelId:userId (a default channel's id is its platform, like telegram:123)" });

const groupRefList = z
  .string()
  .default("")
  .transform((raw) => raw.split(",").map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*:.+$/, { error: "expected channelId:chatId" })));

const userRefList = z
  .string()
  .default("")
  .transform((raw) => raw.split(",").map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(userRef));

/** A PINCER_FETCH_ALLOW entry: a host name, an IP, or a CIDR. */
function isFetchAllowEntry(entry: string): boolean {
  const [network = "", prefix, extra] = entry.split("/");
  if (extra !== undefined) return false;
  if (prefix === undefined) return isIP(network) !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(network);
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && isIP(network) !== 0 && bits <= (isIP(network) === 4 ? 32 : 128);
}

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const integer = (min: number, max: number, fallback: number) => {
  const expectation = { error: `expected an integer from ${min} to ${max}` };
  return z.coerce.number(expectation).int(expectation).min(min, expectation).max(max, expectation).default(fallback);
};

const amount = (fallback: number) =>
  z.coerce.number({ error: "expected a number of at least 0" }).min(0, { error: "expected a number of at least 0" }).default(fallback);

const flag = z.enum(["true", "false"], { error: 'expected "true" or "false"' }).default("false").transform((value) => value === "true");

const url = z.url({ error: "expected an http(s) URL" }).optional();

const hostNameList = z
  .string()
  .default("")
  .transform((raw) => raw.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/, { error: "expected host names without ports, comma-separated" })));

/** Every variable Pincer reads, with what it expects. The message names the variable on failure. */
export const envSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: integer(0, 65535, 8787),
  DATA_DIR: z.string().min(1).default("./data"),
  PINCER_RETENTION_DAYS: integer(0, 36_500, 90),
  PINCER_LOCALE: z.enum(["en", "zh-CN"], { error: 'expected "en" or "zh-CN"' }).default("en"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PINCER_SHUTDOWN_GRACE_SEC: integer(0, 3600, 20),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^postgres(ql)?:\/\/\S+$/, { error: "expected a PostgreSQL URL such as postgres://pincer:password@db:5432/pincer" }).optional(),
  ),
  PINCER_LEASE_SEC: integer(2, 3600, 15),
  PINCER_DB_POOL: integer(1, 100, 2),
  PINCER_ADMIN_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, { error: "expected at least 16 characters" }).optional(),
  ),
  PINCER_ALLOWED_HOSTS: hostNameList,
  PINCER_METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, { error: "expected at least 16 characters" }).optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyAsUndefined, url),
  OTEL_EXPORTER_OTLP_HEADERS: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, { error: "expected key=value pairs, comma-separated" }).optional(),
  ),
  OTEL_SERVICE_NAME: z.preprocess(emptyAsUndefined, z.string().min(1).default("pincer")),
  PINCER_CONFIG: z.string().optional(),
  PINCER_AGENT: z.string().regex(/^[a-z][a-z0-9_-]*$/, { error: "expected an agent name: builtin, llm, acp or one from PINCER_CONFIG" }).optional(),
  ACP_AGENT_COMMAND: z.string().optional(),
  ACP_AGENT_ENV: z
    .string()
    .default("")
    .transform((raw) => raw.split(",").map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected variable names, comma-separated" }))),
  OPENAI_BASE_URL: url,
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_MODEL: z.string().optional(),
  ANTHROPIC_BASE_URL: url,
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_MODEL: z.string().optional(),
  PINCER_MAX_STEPS: integer(1, 100, 12),
  WORKSPACE_DIR: z.string().optional(),
  PINCER_OWNER_AUTO_APPROVE: flag,
  PINCER_CONTEXT_TOKENS: integer(1000, 2_000_000, 8000),
  PINCER_DAILY_TOKENS_PER_USER: integer(0, Number.MAX_SAFE_INTEGER, 0),
  PINCER_DAILY_TOKENS_PER_CHAT: integer(0, Number.MAX_SAFE_INTEGER, 0),
  PINCER_DAILY_USD_PER_USER: amount(0),
  PINCER_DAILY_USD_PER_CHAT: amount(0),
  PINCER_MEMORY_TOKENS: z.preprocess(emptyAsUndefined, z.coerce.number({ error: "expected an integer of at least 0" }).int().min(0, { error: "expected an integer of at least 0" }).optional()),
  EMBEDDINGS_MODEL: z.preprocess(emptyAsUndefined, z.string().optional()),
  PINCER_TIMEZONE: z.preprocess(
    emptyAsUndefined,
    z.string().refine((name) => { try { new Intl.DateTimeFormat("en-US", { timeZone: name }); return true; } catch { return false; } }, { error: "expected an IANA time zone such as Europe/Berlin" }).optional(),
  ),
  PINCER_MIN_INTERVAL_SEC: integer(1, 31_536_000, 60),
  PINCER_MAX_JOBS_PER_USER: integer(0, 100_000, 20),
  PINCER_JOB_CATCHUP_SEC: integer(0, 31_536_000, 3600),
  PINCER_JOB_MAX_TOKENS: integer(0, 100_000_000, 0),
  STT_PROVIDER: z.enum(["auto", "openai", "pocketsphinx", "none"]).default("auto"),
  STT_BASE_URL: url,
  STT_API_KEY: z.string().optional(),
  STT_MODEL: z.string().default("whisper-1"),
  STT_GRAMMAR: z.string().optional(),
  TTS_PROVIDER: z.enum(["none", "openai", "espeak-ng"]).default("none"),
  TTS_BASE_URL: url,
  TTS_API_KEY: z.string().optional(),
  TTS_MODEL: z.string().default("tts-1"),
  TTS_VOICE: z.string().optional(),
  MEDIA_MAX_BYTES: integer(1, 2_000_000_000, 20 * 1024 * 1024),
  MEDIA_MAX_AUDIO_SEC: integer(1, 86_400, 300),
  MEDIA_MAX_IMAGE_PX: integer(64, 10_000, 1568),
  PINCER_DM_POLICY: z.enum(["pairing", "allowlist", "open"]).default("pairing"),
  PINCER_GROUP_POLICY: z.enum(["pairing", "mention", "open", "disabled"]).default("pairing"),
  PINCER_ALLOW_GROUPS: groupRefList,
  PINCER_ALLOW_FROM: userRefList,
  PINCER_ADMINS: userRefList,
  PINCER_FETCH_ALLOW: z
    .string()
    .default("")
    .transform((raw) => raw.split(",").map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isFetchAllowEntry, { error: "expected host names, IPs or CIDRs (10.0.0.0/8), comma-separated" }))),
  ...platformEnvShape,
});

/** Every variable Pincer reads (`.env.example` documents each). */
export const variableNames: readonly string[] = Object.keys(envSchema.shape);

/** Variables whose values are never echoed in an error. */
export const secretNames = new Set<string>(["DATABASE_URL", "PINCER_ADMIN_TOKEN", "PINCER_METRICS_TOKEN", "OTEL_EXPORTER_OTLP_HEADERS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "STT_API_KEY", "TTS_API_KEY", ...platformSecretNames]);

export type EnvValues = z.infer<typeof envSchema>;
