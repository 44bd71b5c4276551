import { translate, type Locale } from "../../core/i18n/catalogue.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import type { Env } from "./check.ts";

export type ModelChoice =
  | { provider: "openai"; baseUrl: string; apiKey: string | undefined; model: string }
  | { provider: "anthropic"; baseUrl: string | undefined; apiKey: string; model: string };

export type ModelOutcome = { isOk: true; models: string[]; isListed: boolean } | { isOk: false; explanation: string };

/** Reaches the model service the way `pincer doctor` does: listing its models costs no token. */
export async function checkModel(choice: ModelChoice, locale: Locale): Promise<ModelOutcome> {
  try {
    const { createModelProvider } = await import("../../agents/llm/index.ts");
    const models = await createModelProvider(choice).listModels(AbortSignal.timeout(15_000));
    return { isOk: true, models, isListed: models.length === 0 || models.includes(choice.model) };
  } catch (thrown) {
    const error = toBridgeError(thrown);
    const isRefused = error.code === "unauthorized" || /\b40[13]\b|invalid.*key|unauthori[sz]ed|authentication/i.test(error.message);
    return {
      isOk: false,
      explanation: isRefused
        ? translate(locale, "setup.explain.modelRefused", { detail: error.message })
        : translate(locale, "setup.explain.unreachable", { detail: error.message }),
    };
  }
}

/** The `.env` lines of a model choice (the other provider's keys removed, or the OpenAI-compatible one would win). */
export function modelUpdates(choice: ModelChoice | "builtin"): Env {
  if (choice === "builtin") return { PINCER_AGENT: "builtin" };
  if (choice.provider === "openai") {
    return { PINCER_AGENT: "llm", OPENAI_BASE_URL: choice.baseUrl, OPENAI_API_KEY: choice.apiKey, OPENAI_MODEL: choice.model };
  }
  return { PINCER_AGENT: "llm", OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: choice.apiKey, ANTHROPIC_MODEL: choice.model, ...(choice.baseUrl ? { ANTHROPIC_BASE_URL: choice.baseUrl } : {}) };
}
