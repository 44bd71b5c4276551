/** The parts of the validated configuration that other modules take (built by core/config.ts). */
import type { RiskLevel } from "./permissions.ts";

export interface LlmConfig {
  provider: "openai" | "anthropic";
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  maxSteps: number;
}

export interface MediaConfig {
  stt: {
    provider: "auto" | "openai" | "pocketsphinx" | "none";
    /** Present when STT_BASE_URL or STT_API_KEY is set. */
    openai: { baseUrl: string | undefined; apiKey: string | undefined; model: string } | undefined;
    grammarPath: string | undefined;
  };
  /** Voice replies to voice messages; `none` by default. */
  tts: {
    provider: "none" | "openai" | "espeak-ng";
    openai: { baseUrl: string | undefined; apiKey: string | undefined; model: string; voice: string } | undefined;
    /** TTS_VOICE as given; each provider has its own default. */
    voice: string | undefined;
  };
  limits: { maxBytes: number; maxAudioSec: number; maxImagePx: number };
}

export interface McpServerSettings {
  name: string;
  command?: string[];
  url?: string;
  env?: Record<string, string>;
  risk: RiskLevel;
}

export interface BudgetConfig {
  /** Prompt budget of one model call: system prompt, tool schemas and messages. */
  contextTokens: number;
  /** PINCER_MEMORY_TOKENS: the most the memories injected at the start of a turn may take (default 5% of contextTokens). */
  memoryTokens?: number;
  /** Daily caps; 0 means no cap. */
  dailyTokensPerUser: number;
  dailyTokensPerChat: number;
  dailyUsdPerUser: number;
  dailyUsdPerChat: number;
}

/** Scheduled jobs (`/in`, `/every`, …; core/jobs). */
export interface JobsConfig {
  /** PINCER_TIMEZONE, else the host's zone: how times are read and shown for users without `/tz`. */
  timezone: string;
  minIntervalMs: number;
  maxJobsPerUser: number;
  /** A run missed while Pincer was down runs at start when it is at most this late, else it is skipped and told. */
  catchupMs: number;
  /** Tokens one run may use; 0: no bound beyond the daily caps. */
  maxTokensPerRun: number;
}

export interface AcpAgentConfig {
  command: string[];
  cwd: string;
  /** The agent's environment (and its terminals'): the allowlist plus ACP_AGENT_ENV or the agent's `env` names. */
  env: Record<string, string>;
}

/** OpenTelemetry trace export over OTLP/HTTP. */
export interface OtelConfig {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** OTEL_EXPORTER_OTLP_HEADERS: sent with every export (an API key for a hosted collector). */
  headers: Record<string, string>;
  /** OTEL_SERVICE_NAME (default `pincer`). */
  serviceName: string;
}
