import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { BridgeError } from "./types/errors.ts";

const userRef = z
  .string()
  .regex(/^[a-z][a-z0-9-]*:.+$/, { error: "expected platform:userId" });

const userRefList = z
  .string()
  .default("")
  .transform((raw) => raw.split(",").map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(userRef));

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

/** Every variable Pincer reads, with what it expects. The message names the variable on failure. */
const envSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce
    .number({ error: "expected an integer from 0 to 65535" })
    .int({ error: "expected an integer from 0 to 65535" })
    .min(0, { error: "expected an integer from 0 to 65535" })
    .max(65535, { error: "expected an integer from 0 to 65535" })
    .default(8787),
  DATA_DIR: z.string().min(1).default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PINCER_ADMIN_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, { error: "expected at least 16 characters" }).optional(),
  ),
  PINCER_AGENT: z.enum(["builtin"], { error: 'expected "builtin" (the LLM and ACP agents are not built yet)' }).default("builtin"),
  PINCER_DM_POLICY: z.enum(["pairing", "allowlist", "open"]).default("pairing"),
  PINCER_GROUP_POLICY: z.enum(["mention", "open", "disabled"]).default("mention"),
  PINCER_ALLOW_FROM: userRefList,
  PINCER_ADMINS: userRefList,
});

/** Variables whose values are never echoed in an error. */
const secretNames = new Set(["PINCER_ADMIN_TOKEN"]);

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  adminToken: string | undefined;
  agent: z.infer<typeof envSchema>["PINCER_AGENT"];
  policy: {
    dm: z.infer<typeof envSchema>["PINCER_DM_POLICY"];
    group: z.infer<typeof envSchema>["PINCER_GROUP_POLICY"];
    allowFrom: string[];
    admins: string[];
  };
  /** Values that must never reach a log line. */
  secrets: string[];
}

export type Env = Record<string, string | undefined>;

/** Reads `.env` from the working directory (if any) under the real environment, which wins. */
export function readEnv(cwd = process.cwd()): Env {
  const path = resolve(cwd, ".env");
  const fromFile = existsSync(path) ? parseEnv(readFileSync(path, "utf8")) : {};
  return { ...fromFile, ...process.env };
}

export function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

export function loadConfig(env: Env = readEnv()): Config {
  // An empty value (`PORT=` in .env) means unset: the default applies.
  const known = Object.fromEntries(Object.keys(envSchema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]));
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const got = secretNames.has(name) ? undefined : env[name];
    throw new BridgeError("config", `${name}: ${issue.message}${got === undefined ? "" : ` (got "${got}")`}`);
  }
  const values = parsed.data;
  if (!isLoopbackHost(values.HOST) && !values.PINCER_ADMIN_TOKEN) {
    throw new BridgeError(
      "config",
      `PINCER_ADMIN_TOKEN: required when HOST is not a loopback address (HOST is "${values.HOST}"); expected a random string of at least 16 characters`,
    );
  }
  return {
    host: values.HOST,
    port: values.PORT,
    dataDir: resolve(values.DATA_DIR),
    logLevel: values.LOG_LEVEL,
    adminToken: values.PINCER_ADMIN_TOKEN,
    agent: values.PINCER_AGENT,
    policy: {
      dm: values.PINCER_DM_POLICY,
      group: values.PINCER_GROUP_POLICY,
      allowFrom: values.PINCER_ALLOW_FROM,
      admins: values.PINCER_ADMINS,
    },
    secrets: [values.PINCER_ADMIN_TOKEN].filter((value): value is string => Boolean(value)),
  };
}
