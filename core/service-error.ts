import { BridgeError, localizedError } from "./types/errors.ts";

interface HttpishError {
  status?: number;
  name?: string;
  headers?: { get?(name: string): string | null } | Record<string, unknown>;
}

export interface ServiceWording {
  /** Which service, as the catalogue names it ("The model service", "The speech-to-text service"…). */
  service: "errors.service.model" | "errors.service.speechToText" | "errors.service.textToSpeech";
  /** The variable to check when the credentials are refused. */
  keyVariable: string;
  /** What to check when a request is rejected (4xx). */
  rejectedHint?: "errors.service.voiceHint";
}

function retryAfterMs(error: HttpishError): number | undefined {
  const headers = error.headers;
  const raw = typeof headers?.get === "function" ? headers.get("retry-after") : undefined;
  const seconds = Number(raw ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** An SDK's HTTP error (OpenAI, Anthropic) as a BridgeError whose message a chat user can act on. */
export function serviceError(thrown: unknown, wording: ServiceWording): BridgeError {
  if (thrown instanceof BridgeError) return thrown;
  const error = (thrown ?? {}) as HttpishError;
  const service = { key: wording.service };
  if (error.name === "AbortError" || error.name === "APIUserAbortError") return localizedError("aborted", "errors.stopped", {}, { cause: thrown });
  const status = error.status;
  if (status === 401 || status === 403) {
    return localizedError("unauthorized", "errors.service.credentials", { service, status, variable: wording.keyVariable }, { cause: thrown });
  }
  if (status === 429) {
    return localizedError("rate-limited", "errors.service.rateLimited", { service }, { cause: thrown, retryAfterMs: retryAfterMs(error) });
  }
  if (status !== undefined && status < 500) {
    const hint = wording.rejectedHint ? { key: wording.rejectedHint } : "";
    return localizedError("upstream", "errors.service.rejected", { service, status, hint }, { cause: thrown });
  }
  if (status !== undefined) return localizedError("upstream", "errors.service.failed", { service, status }, { cause: thrown });
  return localizedError("upstream", "errors.service.unreachable", { service }, { cause: thrown });
}
