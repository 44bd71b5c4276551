import { translate, type Locale, type MessageKey, type MessageParams } from "../../core/i18n/catalogue.ts";
import { printable } from "../../core/printable.ts";
import type { PairingStore } from "../../core/store/store.ts";
import type { ChannelDescriptor, LoginIo } from "../../core/types/channel.ts";
import { channelRegistry } from "../registry.ts";
import { checkPlatform, settingsFrom, type Env } from "./check.ts";
import { writeEnvFile } from "./env-file.ts";
import { checkModel, modelUpdates, type ModelChoice } from "./model-step.ts";
import { platformSetups, type PlatformSetup } from "./platforms.ts";
import type { Prompter } from "./prompter.ts";

/** A gateway the wizard started, as far as it needs one: its address, pairing requests, and a way to stop it. */
export interface StartedGateway {
  url: string;
  pairing: PairingStore;
  stop(): Promise<void>;
}

export interface WizardOptions {
  prompter: Prompter;
  locale: Locale;
  /** The `.env` to write. */
  envPath: string;
  /** What is configured now (the `.env` under the process environment): defaults, endpoints, and what is kept. */
  env: Env;
  dataDir: string;
  /** Starts the gateway from the written configuration (the CLI's start; a test's gateway). */
  start(env: Env): Promise<StartedGateway>;
  /** How long the owner's first message is awaited (default 5 minutes), and how often the store is looked at. */
  pairingWaitMs?: number;
  pairingPollMs?: number;
  /** ClawBot's QR login in the terminal. */
  loginIo?: (signal: AbortSignal) => LoginIo;
  signal?: AbortSignal;
}

export interface WizardResult {
  /** The variables written (names only: values may be secrets). */
  written: string[];
  gateway: StartedGateway | undefined;
}

/** `pincer setup`: a platform (or several), a model, the policy; `.env` written; the gateway started and the owner paired. */
export async function runSetupWizard(options: WizardOptions): Promise<WizardResult> {
  const { prompter } = options;
  const t = (key: MessageKey, params?: MessageParams) => translate(options.locale, key, params);
  const updates: Env = {};
  const connected: string[] = [];
  const current = () => ({ ...options.env, ...updates });
  prompter.say(t("setup.intro", { envPath: options.envPath }));

  for (;;) {
    const choices = [...platformSetups.map((setup) => ({ value: setup.key as string, name: channelRegistry[setup.key].displayName })), { value: "none", name: t("setup.platform.none") }];
    const picked = await prompter.select(t("setup.pickPlatform"), choices);
    const setup = platformSetups.find((each) => each.key === picked);
    if (!setup) break;
    const answers = await connectPlatform(setup, options, current());
    if (answers) {
      Object.assign(updates, answers);
      connected.push(setup.key);
    }
    if (!(await prompter.confirm(t("setup.another"), false))) break;
  }

  Object.assign(updates, await chooseModel(options, current()));
  Object.assign(updates, await choosePolicy(options, current()));

  const written = Object.keys(updates);
  if (written.length > 0) {
    writeEnvFile(options.envPath, updates);
    prompter.say(t("setup.written", { envPath: options.envPath, names: written.join(", ") }));
  } else prompter.say(t("setup.nothingWritten", { envPath: options.envPath }));

  if (!(await prompter.confirm(t("setup.startNow"), true))) {
    prompter.say(t("setup.later"));
    return { written, gateway: undefined };
  }
  const gateway = await options.start(current());
  prompter.say(t("setup.started", { url: gateway.url }));
  if ((current().PINCER_DM_POLICY ?? "pairing") === "pairing" && connected.some((key) => key !== "weixin") && (await prompter.confirm(t("setup.pairNow"), true))) {
    await pairOwner(options, gateway);
  }
  prompter.say(t("setup.stopHint"));
  return { written, gateway };
}

/** One platform: its steps, its credentials (hidden), the live check, a plain explanation and another chance. */
async function connectPlatform(setup: PlatformSetup, options: WizardOptions, env: Env): Promise<Env | undefined> {
  const { prompter } = options;
  const t = (key: MessageKey, params?: MessageParams) => translate(options.locale, key, params);
  const descriptor = channelRegistry[setup.key] as ChannelDescriptor<unknown>;
  prompter.say(`\n${t("setup.stepsTitle", { name: descriptor.displayName })}\n${t(setup.stepsKey)}\n`);
  if (setup.key === "weixin") return (await loginWeixin(options, env, descriptor)) ? {} : undefined;

  let fields = setup.fields;
  const fixed: Env = {};
  if (setup.key === "slack") {
    const mode = await prompter.select(t("setup.slack.mode"), [
      { value: "socket", name: t("setup.slack.socket") },
      { value: "events", name: t("setup.slack.events") },
    ]);
    fields = fields.filter((field) => field.name !== (mode === "socket" ? "SLACK_SIGNING_SECRET" : "SLACK_APP_TOKEN")).map((field) => ({ ...field, isOptional: false }));
    // An app token means Socket Mode: the Events API needs it gone (a signing secret beside Socket Mode is harmless).
    if (mode === "events") fixed.SLACK_APP_TOKEN = undefined;
  }
  if (setup.key === "qq" && (await prompter.confirm(t("setup.qq.sandbox"), env.QQ_SANDBOX === "true"))) fixed.QQ_SANDBOX = "true";

  for (;;) {
    const answers: Env = { ...fixed };
    for (const field of fields) {
      // A secret already configured is kept by an empty answer (it is never shown as a default).
      const hasSecret = field.isSecret && Boolean(env[field.name]);
      const labelKey = hasSecret ? "setup.ask.keep" : field.isOptional ? "setup.ask.optional" : field.isSecret ? "setup.ask.secret" : "setup.ask.value";
      const label = t(labelKey, { name: field.name });
      const answer = (field.isSecret ? await prompter.password(label) : await prompter.input(label, env[field.name] || field.defaultValue)).trim();
      if (answer !== "" || (!field.isOptional && !hasSecret)) answers[field.name] = answer;
    }
    prompter.say(t("setup.checking", { name: descriptor.displayName }));
    const outcome = await checkPlatform(setup.key, { ...env, ...answers }, { dataDir: options.dataDir, locale: options.locale });
    if (outcome.isOk) {
      prompter.say(t("setup.check.ok", { detail: printable(outcome.detail ?? descriptor.displayName) }));
      return answers;
    }
    prompter.say(t("setup.check.failed", { explanation: outcome.explanation }));
    if (!(await prompter.confirm(t("setup.retry"), true))) {
      prompter.say(t("setup.skipped", { name: descriptor.displayName }));
      return undefined;
    }
  }
}

/** ClawBot: its QR login, as `pincer weixin login` runs it; nothing goes into `.env` (the login is kept in DATA_DIR). */
async function loginWeixin(options: WizardOptions, env: Env, descriptor: ChannelDescriptor<unknown>): Promise<boolean> {
  const t = (key: MessageKey, params?: MessageParams) => translate(options.locale, key, params);
  if (!options.loginIo || descriptor.login?.kind !== "admin" || !(await options.prompter.confirm(t("setup.weixin.login"), true))) {
    options.prompter.say(t("setup.weixin.notNow"));
    return false;
  }
  const signal = options.signal ?? new AbortController().signal;
  try {
    const { botId } = await descriptor.login.run(settingsFrom("weixin", env), options.loginIo(signal));
    options.prompter.say(t("setup.check.ok", { detail: `ClawBot ${printable(botId)}` }));
    return true;
  } catch (thrown) {
    options.prompter.say(t("setup.check.failed", { explanation: thrown instanceof Error ? thrown.message : String(thrown) }));
    return false;
  }
}

async function chooseModel(options: WizardOptions, env: Env): Promise<Env> {
  const { prompter } = options;
  const t = (key: MessageKey, params?: MessageParams) => translate(options.locale, key, params);
  const existing = env.OPENAI_MODEL && (env.OPENAI_BASE_URL || env.OPENAI_API_KEY) ? env.OPENAI_MODEL : env.ANTHROPIC_API_KEY ? env.ANTHROPIC_MODEL : undefined;
  const choices = [
    ...(existing ? [{ value: "keep", name: t("setup.model.keep", { model: existing }) }] : []),
    { value: "openai", name: t("setup.model.openai") },
    { value: "anthropic", name: t("setup.model.anthropic") },
    { value: "builtin", name: t("setup.model.builtin") },
  ];
  for (;;) {
    const picked = await prompter.select(t("setup.pickModel"), choices);
    if (picked === "keep") return {};
    if (picked === "builtin") return modelUpdates("builtin");
    const choice: ModelChoice =
      picked === "openai"
        ? {
            provider: "openai",
            baseUrl: (await prompter.input(t("setup.model.baseUrl"), env.OPENAI_BASE_URL || "https://api.openai.com/v1")).trim(),
            apiKey: (await prompter.password(t("setup.ask.optional", { name: "OPENAI_API_KEY" }))).trim() || undefined,
            model: (await prompter.input(t("setup.model.name"), env.OPENAI_MODEL || "gpt-4o-mini")).trim(),
          }
        : {
            provider: "anthropic",
            baseUrl: env.ANTHROPIC_BASE_URL,
            apiKey: (await prompter.password(t("setup.ask.secret", { name: "ANTHROPIC_API_KEY" }))).trim(),
            model: (await prompter.input(t("setup.model.name"), env.ANTHROPIC_MODEL || "claude-sonnet-4-5")).trim(),
          };
    prompter.say(t("setup.model.checking"));
    const outcome = await checkModel(choice, options.locale);
    if (outcome.isOk) {
      const isKept = outcome.isListed || (await prompter.confirm(t("setup.model.notListed", { model: choice.model, some: outcome.models.slice(0, 5).join(", ") }), false));
      if (isKept) {
        prompter.say(t("setup.check.ok", { detail: `${choice.model}` }));
        return modelUpdates(choice);
      }
    } else prompter.say(t("setup.check.failed", { explanation: outcome.explanation }));
    if (!(await prompter.confirm(t("setup.retry"), true))) return {};
  }
}

async function choosePolicy(options: WizardOptions, env: Env): Promise<Env> {
  const t = (key: MessageKey, params?: MessageParams) => translate(options.locale, key, params);
  const policy = await options.prompter.select(
    t("setup.pickPolicy"),
    [
      { value: "pairing", name: t("setup.policy.pairing") },
      { value: "allowlist", name: t("setup.policy.allowlist") },
      { value: "open", name: t("setup.policy.open") },
    ],
    (env.PINCER_DM_POLICY as "pairing" | "allowlist" | "open" | undefined) ?? "pairing",
  );
  if (policy !== "allowlist") return { PINCER_DM_POLICY: policy };
  const allowFrom = (await options.prompter.input(t("setup.allowFrom"), env.PINCER_ALLOW_FROM ?? "")).trim();
  return { PINCER_DM_POLICY: policy, PINCER_ALLOW_FROM: allowFrom };
}

/** Waits for the owner's first message (a pairing request in the store), shows it, and approves it when confirmed. */
async function pairOwner(options: WizardOptions, gateway: StartedGateway): Promise<void> {
  const t = (key: MessageKey, params?: MessageParams) => translate(options.locale, key, params);
  options.prompter.say(t("setup.pairWaiting"));
  const deadline = Date.now() + (options.pairingWaitMs ?? 300_000);
  while (Date.now() < deadline && !options.signal?.aborted) {
    const request = (await gateway.pairing.listPending(Date.now())).find((each) => each.chatId === undefined);
    if (request) {
      const params = { channel: printable(request.platform), name: printable(request.displayName), userId: printable(request.userId), code: request.code };
      if (await options.prompter.confirm(t("setup.pairFound", params), true)) {
        await gateway.pairing.approve(request.platform, request.code, Date.now());
        options.prompter.say(t("setup.pairApproved", params));
        await offerAdmin(options, `${request.platform}:${request.userId}`, params.name);
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pairingPollMs ?? 1000));
  }
  options.prompter.say(t("setup.pairTimeout"));
}

/** The owner, now paired, may also approve tools and pairing requests from the chat: PINCER_ADMINS, from the next start. */
async function offerAdmin(options: WizardOptions, ref: string, name: string): Promise<void> {
  const t = (key: MessageKey, params?: MessageParams) => translate(options.locale, key, params);
  const admins = (options.env.PINCER_ADMINS ?? "").split(",").map((each) => each.trim()).filter(Boolean);
  if (admins.includes(ref) || !(await options.prompter.confirm(t("setup.makeAdmin", { name }), true))) return;
  writeEnvFile(options.envPath, { PINCER_ADMINS: [...admins, ref].join(",") });
  options.prompter.say(t("setup.adminWritten", { ref: printable(ref), envPath: options.envPath }));
}
