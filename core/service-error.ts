import { BridgeError } from "./types/errors.ts";

interface HttpishError {
  status?: number;
  name?: string;
  headers?: { get?(name: string): string | null } | Record<string, unknown>;
}

export interface ServiceWording {
  /** "The model service", "The speech-to-text service"… */
  service: string;
  /** The variable to check when the credentials are refused. */
  keyVariable: string;
  /** What to check when a request is rejected (4xx), e.g. "check TTS_MODEL and TTS_VOICE". */
  rejectedHint?: string;
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
  const { service } = wording;
  if (error.name === "AbortError" || error.name === "APIUserAbortError") return new BridgeError("aborted", "Stopped.", { cause: thrown });
  const status = error.status;
  if (status === 401 || status === 403) {
    return new BridgeError("unauthorized", `${service} refused the credentials (HTTP ${status}): check ${wording.keyVariable}.`, { cause: thrown });
  }
  if (status === 429) {
    return new BridgeError("rate-limited", `${service} is rate-limiting us (HTTP 429) even after retries. Try again in a minute.`, {
      cause: thrown,
      retryAfterMs: retryAfterMs(error),
    });
  }
  if (status !== undefined && status < 500) {
    const hint = wording.rejectedHint ? `: ${wording.rejectedHint}` : "";
    return new BridgeError("upstream", `${service} rejected the request (HTTP ${status})${hint}.`, { cause: thrown });
  }
  if (status !== undefined) return new BridgeError("upstream", `${service} failed (HTTP ${status}).`, { cause: thrown });
  return new BridgeError("upstream", `${service} could not be reached.`, { cause: thrown });
}
