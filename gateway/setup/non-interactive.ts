import { loadConfig } from "../../core/config.ts";
import { translate, type Locale } from "../../core/i18n/catalogue.ts";
import { maskSecrets } from "../../core/logger.ts";
import { printable } from "../../core/printable.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import { channelRegistry } from "../registry.ts";
import { checkPlatform, settingsFrom, type Env } from "./check.ts";
import { writeEnvFile } from "./env-file.ts";
import { checkModel } from "./model-step.ts";
import { platformSetups } from "./platforms.ts";

export interface NonInteractiveOptions {
  locale: Locale;
  envPath: string;
  /** What is configured now (`.env` under the process environment). */
  env: Env;
  /** `NAME=value` given on the command line: checked with the rest, and written to `.env` when everything answers. */
  assignments: Env;
  dataDir: string;
  out(line: string): void;
}

const isSecretName = (name: string) => /TOKEN|SECRET|KEY|PASSWORD|DATABASE_URL/.test(name);

/**
 * `pincer setup --non-interactive`: the wizard's checks without questions, for scripts and containers. Every
 * configured platform and the model are reached; exit code 0 only when each of them answered (and then the given
 * assignments are written to `.env`), 1 when one failed, 2 when nothing was configured.
 */
export async function runNonInteractiveSetup(options: NonInteractiveOptions): Promise<number> {
  const env = { ...options.env, ...options.assignments };
  const secrets = Object.entries(env).flatMap(([name, value]) => (value && isSecretName(name) ? [value] : []));
  const say = (line: string) => options.out(maskSecrets(line, secrets));
  const t = (key: Parameters<typeof translate>[1], params = {}) => translate(options.locale, key, params);
  let failures = 0;
  let checked = 0;
  const fail = (name: string, explanation: string) => {
    failures += 1;
    say(t("setup.ni.fail", { name, explanation }));
  };
  try {
    loadConfig(env);
  } catch (thrown) {
    fail("configuration", toBridgeError(thrown).message);
  }
  for (const setup of platformSetups) {
    const name = channelRegistry[setup.key].displayName;
    let hasCredentials: boolean;
    try {
      hasCredentials = settingsFrom(setup.key, env) !== undefined;
    } catch {
      hasCredentials = true;
    }
    if (!hasCredentials) continue;
    const outcome = await checkPlatform(setup.key, env, { dataDir: options.dataDir, locale: options.locale });
    if (outcome.isOk && outcome.detail === undefined) continue;
    checked += 1;
    if (outcome.isOk) say(t("setup.ni.ok", { name, detail: printable(outcome.detail ?? "") }));
    else fail(name, outcome.explanation);
  }
  const model = modelOf(env);
  if (model) {
    checked += 1;
    const outcome = await checkModel(model, options.locale);
    if (!outcome.isOk) fail(`model (${model.provider})`, outcome.explanation);
    else if (!outcome.isListed) fail(`model (${model.provider})`, `${model.model} is not offered (${outcome.models.slice(0, 5).join(", ")}…)`);
    else say(t("setup.ni.ok", { name: `model (${model.provider})`, detail: model.model }));
  }
  if (checked === 0 && failures === 0) {
    say(t("setup.ni.nothing"));
    return 2;
  }
  if (failures > 0) return 1;
  const names = Object.keys(options.assignments);
  if (names.length > 0) {
    writeEnvFile(options.envPath, options.assignments);
    say(t("setup.written", { envPath: options.envPath, names: names.join(", ") }));
  }
  return 0;
}

function modelOf(env: Env) {
  if (env.OPENAI_BASE_URL || env.OPENAI_API_KEY) {
    return { provider: "openai" as const, baseUrl: env.OPENAI_BASE_URL ?? "https://api.openai.com/v1", apiKey: env.OPENAI_API_KEY, model: env.OPENAI_MODEL ?? "" };
  }
  if (env.ANTHROPIC_API_KEY) return { provider: "anthropic" as const, baseUrl: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY, model: env.ANTHROPIC_MODEL ?? "" };
  return undefined;
}
