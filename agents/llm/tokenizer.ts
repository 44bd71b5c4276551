import type { CountTokens } from "../../core/context.ts";

let loading: Promise<CountTokens> | undefined;

/**
 * o200k_base (the GPT-4o family's encoding) through gpt-tokenizer, pure JS. For other model families it is
 * an estimate within a few per cent; the budget keeps a margin for that. Loaded on first use (about 75 MB).
 */
export function loadTokenizer(): Promise<CountTokens> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then((module) => (text: string) => module.countTokens(text));
  return loading;
}
