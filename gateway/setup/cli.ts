import { resolve } from "node:path";
import QRCode from "qrcode";
import { localeOf } from "../../core/config-locale.ts";
import { readEnvFrom, type Env } from "../../core/config.ts";
import type { LoginIo } from "../../core/types/channel.ts";
import { runNonInteractiveSetup } from "./non-interactive.ts";
import type { Prompter } from "./prompter.ts";
import { runSetupWizard, type StartedGateway, type WizardResult } from "./wizard.ts";

export const setupHelp = `Usage: pincer setup [--non-interactive] [--dotenv <path>] [NAME=value ...]

  Interactive (default): pick a chat app, paste its credentials (checked at once), choose a model and who may
  talk to the bot; writes .env (mode 600) and offers to start the gateway and pair your own account.
  --non-interactive: check what is configured (.env, the environment, and NAME=value arguments) with the same
  live calls; exit 0 only when everything answers (then the NAME=value arguments are written to .env), 1 when
  something failed, 2 when nothing is configured. Example:
    npm run pincer -- setup --non-interactive TELEGRAM_BOT_TOKEN=123456:ABC-def OPENAI_API_KEY=sk-… OPENAI_MODEL=gpt-4o-mini`;

export interface SetupCliDeps {
  /** Starts the gateway from an environment (bin/pincer.ts's start, which prints its banner). */
  start(env: Env): Promise<StartedGateway>;
  out(text: string): void;
  /** Replaces the terminal's prompts (tests script the answers). */
  prompter?: Prompter;
  signal?: AbortSignal;
}

/** `pincer setup …`: the arguments parsed, then the wizard or its non-interactive checks. */
export async function setupCommand(argv: readonly string[], deps: SetupCliDeps): Promise<{ code: number; result?: WizardResult }> {
  let isNonInteractive = false;
  let envFile = ".env";
  const assignments: Env = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--non-interactive") isNonInteractive = true;
    else if (arg === "--dotenv" && argv[index + 1]) envFile = argv[++index]!;
    else if (arg === "--help" || arg === "-h") {
      deps.out(`${setupHelp}\n`);
      return { code: 0 };
    } else if (/^[A-Z][A-Z0-9_]*=/.test(arg)) {
      const at = arg.indexOf("=");
      assignments[arg.slice(0, at)] = arg.slice(at + 1);
    } else {
      deps.out(`Unknown argument: ${arg.split("=")[0]}\n${setupHelp}\n`);
      return { code: 2 };
    }
  }
  const envPath = resolve(envFile);
  const env = readEnvFrom(envPath);
  const locale = localeOf(env);
  const dataDir = resolve({ ...env, ...assignments }.DATA_DIR || "data");
  if (isNonInteractive) {
    const code = await runNonInteractiveSetup({ locale, envPath, env, assignments, dataDir, out: (line) => deps.out(`${line}\n`) });
    return { code };
  }
  const { terminalPrompter } = await import("./prompter.ts");
  const prompter = deps.prompter ?? (await terminalPrompter());
  const loginIo = (signal: AbortSignal): LoginIo => ({
    dataDir,
    signal,
    fetch: globalThis.fetch,
    showQr: async (text) => deps.out(await QRCode.toString(text, { type: "terminal", small: true })),
    say: (line) => deps.out(`${line}\n`),
    askCode: (question) => prompter.input(question),
  });
  const result = await runSetupWizard({
    prompter,
    locale,
    envPath,
    env: { ...env, ...assignments },
    dataDir,
    start: deps.start,
    loginIo,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  return { code: 0, result };
}
