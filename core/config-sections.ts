import { splitCommand, type ConfigFile } from "./config-file.ts";
import type { EnvValues } from "./config-schema.ts";
import type { BudgetConfig, JobsConfig, LlmConfig, McpServerSettings, MediaConfig } from "./config-types.ts";
import { BridgeError } from "./types/errors.ts";

/*
 * The sections of the Config that are built from the parsed variables (and the config file) alone: the LLM, the
 * token budget, jobs, MCP servers and media. core/config.ts reads the environment and calls these.
 */

/** PINCER_MEMORY_TOKENS, at most half the context budget; 5% of it when unset. */
function memoryTokens(values: EnvValues): number {
  const configured = values.PINCER_MEMORY_TOKENS;
  if (configured === undefined) return Math.floor(values.PINCER_CONTEXT_TOKENS * 0.05);
  if (configured > values.PINCER_CONTEXT_TOKENS / 2) {
    throw new BridgeError("config", `PINCER_MEMORY_TOKENS: expected at most half of PINCER_CONTEXT_TOKENS (${Math.floor(values.PINCER_CONTEXT_TOKENS / 2)})`);
  }
  return configured;
}

export function llmConfig(values: EnvValues): LlmConfig | undefined {
  const hasOpenAi = Boolean(values.OPENAI_BASE_URL || values.OPENAI_API_KEY);
  const hasAnthropic = Boolean(values.ANTHROPIC_API_KEY);
  if (!hasOpenAi && !hasAnthropic) return undefined;
  const provider = hasAnthropic && !hasOpenAi ? "anthropic" : "openai";
  const model = provider === "openai" ? values.OPENAI_MODEL : values.ANTHROPIC_MODEL;
  if (!model) {
    const name = provider === "openai" ? "OPENAI_MODEL" : "ANTHROPIC_MODEL";
    const example = provider === "openai" ? "gpt-4o-mini, qwen-plus or llama3.1" : "claude-sonnet-4-5";
    throw new BridgeError("config", `${name}: required when the LLM agent is on; expected a model name such as ${example}`);
  }
  return {
    provider,
    baseUrl: provider === "openai" ? values.OPENAI_BASE_URL : values.ANTHROPIC_BASE_URL,
    apiKey: provider === "openai" ? values.OPENAI_API_KEY : values.ANTHROPIC_API_KEY,
    model,
    maxSteps: values.PINCER_MAX_STEPS,
  };
}

export function budgetConfig(values: EnvValues): BudgetConfig {
  return {
    contextTokens: values.PINCER_CONTEXT_TOKENS,
    memoryTokens: memoryTokens(values),
    dailyTokensPerUser: values.PINCER_DAILY_TOKENS_PER_USER,
    dailyTokensPerChat: values.PINCER_DAILY_TOKENS_PER_CHAT,
    dailyUsdPerUser: values.PINCER_DAILY_USD_PER_USER,
    dailyUsdPerChat: values.PINCER_DAILY_USD_PER_CHAT,
  };
}

export function jobsConfig(values: EnvValues): JobsConfig {
  return {
    timezone: values.PINCER_TIMEZONE ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"),
    minIntervalMs: values.PINCER_MIN_INTERVAL_SEC * 1000,
    maxJobsPerUser: values.PINCER_MAX_JOBS_PER_USER,
    catchupMs: values.PINCER_JOB_CATCHUP_SEC * 1000,
    maxTokensPerRun: values.PINCER_JOB_MAX_TOKENS,
  };
}

export function mcpServersConfig(file: ConfigFile): McpServerSettings[] {
  return Object.entries(file.mcpServers).map(([name, server]) => ({
    name,
    risk: server.risk,
    ...(server.command ? { command: splitCommand(server.command, `PINCER_CONFIG: mcpServers.${name}.command`) } : {}),
    ...(server.url ? { url: server.url } : {}),
    ...(server.env ? { env: server.env } : {}),
  }));
}

export function mediaConfig(values: EnvValues): MediaConfig {
  return {
    stt: {
      provider: values.STT_PROVIDER,
      openai:
        values.STT_BASE_URL || values.STT_API_KEY
          ? { baseUrl: values.STT_BASE_URL, apiKey: values.STT_API_KEY, model: values.STT_MODEL }
          : undefined,
      grammarPath: values.STT_GRAMMAR,
    },
    tts: {
      provider: values.TTS_PROVIDER,
      // The speech endpoint is usually the transcription one: TTS_* falls back to STT_*.
      openai:
        values.TTS_PROVIDER === "openai"
          ? {
              baseUrl: values.TTS_BASE_URL ?? values.STT_BASE_URL,
              apiKey: values.TTS_API_KEY ?? values.STT_API_KEY,
              model: values.TTS_MODEL,
              voice: values.TTS_VOICE ?? "alloy",
            }
          : undefined,
      // Each engine has its own voices: OpenAI's alloy would crash espeak-ng, whose default is en-us.
      voice: values.TTS_VOICE,
    },
    limits: { maxBytes: values.MEDIA_MAX_BYTES, maxAudioSec: values.MEDIA_MAX_AUDIO_SEC, maxImagePx: values.MEDIA_MAX_IMAGE_PX },
  };
}
