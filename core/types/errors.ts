import { translate, type Locale, type MessageKey, type MessageParams } from "../i18n/catalogue.ts";

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
  /** The message as a catalogue entry, so that each user reads it in their language (`message` is its English). */
  text?: LocalizedText;
}

/** A catalogue entry with its parameters: text that is written in the reader's language when it is sent. */
export interface LocalizedText {
  key: MessageKey;
  /** A parameter may itself be text to translate ("12 h 0 min", "1,000 tokens"). */
  params?: Record<string, string | number | LocalizedText>;
}

/** The text in `locale`, its translatable parameters translated first. */
export function renderText(locale: Locale, text: LocalizedText): string {
  const params: MessageParams = {};
  for (const [name, value] of Object.entries(text.params ?? {})) params[name] = typeof value === "object" ? renderText(locale, value) : value;
  return translate(locale, text.key, params);
}

/** The one error type: a literal code, a message fit for a user, and the cause kept for the log. */
export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly text: LocalizedText | undefined;

  constructor(code: BridgeErrorCode, message: string, options: BridgeErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "BridgeError";
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.text = options.text;
  }
}

/** A BridgeError whose user-facing message comes from the catalogue (English in `message`, for logs). */
export function localizedError(code: BridgeErrorCode, key: MessageKey, params: LocalizedText["params"] = {}, options: Omit<BridgeErrorOptions, "text"> = {}): BridgeError {
  const text = { key, params };
  return new BridgeError(code, renderText("en", text), { ...options, text });
}

/** What a user reads for an error, in `locale`: the catalogue's words where it has them, a plain sentence for an internal fault. */
export function userMessage(error: BridgeError, locale: Locale = "en"): string {
  if (error.text) return renderText(locale, error.text);
  return error.code === "internal" ? translate(locale, "errors.internal") : error.message;
}

/** Converts anything thrown into a BridgeError at an edge, keeping what was thrown as the cause. */
export function toBridgeError(thrown: unknown, fallback: BridgeErrorCode = "internal"): BridgeError {
  if (thrown instanceof BridgeError) return thrown;
  if (thrown instanceof Error && thrown.name === "AbortError") {
    return localizedError("aborted", "errors.stopped", {}, { cause: thrown });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new BridgeError(fallback, message, { cause: thrown });
}

export function assertNever(value: never): never {
  throw new BridgeError("internal", `Unexpected value: ${JSON.stringify(value)}`);
}
