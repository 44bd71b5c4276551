export type BridgeErrorCode =
  | "config"
  | "bad-input"
  | "unsupported"
  | "unauthorized"
  | "rate-limited"
  | "timeout"
  | "aborted"
  | "upstream"
  | "budget-exceeded"
  | "internal";

export interface BridgeErrorOptions {
  cause?: unknown;
  retryAfterMs?: number;
}

/** The one error type: a literal code, a message fit for a user, and the cause kept for the log. */
export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: BridgeErrorCode, message: string, options: BridgeErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "BridgeError";
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Converts anything thrown into a BridgeError at an edge, keeping what was thrown as the cause. */
export function toBridgeError(thrown: unknown, fallback: BridgeErrorCode = "internal"): BridgeError {
  if (thrown instanceof BridgeError) return thrown;
  if (thrown instanceof Error && thrown.name === "AbortError") {
    return new BridgeError("aborted", "Stopped.", { cause: thrown });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new BridgeError(fallback, message, { cause: thrown });
}

export function assertNever(value: never): never {
  throw new BridgeError("internal", `Unexpected value: ${JSON.stringify(value)}`);
}
