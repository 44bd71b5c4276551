import type { StoredSessionMessage } from "./types/agent.ts";

/** Counts tokens of a text with the model's tokenizer (the agent supplies a real one). */
export type CountTokens = (text: string) => number;

/** Per-message framing the providers add around each message's content. */
export const messageOverheadTokens = 4;

export interface ContextBudget {
  /** PINCER_CONTEXT_TOKENS: the whole prompt of one call. */
  totalTokens: number;
  /** System prompt and tool schemas: paid on every call. */
  fixedTokens: number;
  /** The current turn so far (the new message, and tool calls and results of this turn). */
  turnTokens: number;
  /** Room kept for the running summary, whatever its current size. */
  summaryTokens: number;
}

/**
 * How one call's budget (PINCER_CONTEXT_TOKENS) is shared out: the one place these shares are set. The fixed
 * part (system prompt, tool schemas) and the history take what they need of the rest, planned by `planContext`.
 */
export interface BudgetShares {
  /** Room kept for the running summary, and the longest summary a compaction call may write. */
  summaryTokens: number;
  /** The longest tool result the model reads (longer output is trimmed head and tail). */
  toolResultTokens: number;
  /** The longest new message the model reads. */
  turnTextTokens: number;
  /** The most the memories injected at the start of a turn may take (PINCER_MEMORY_TOKENS). */
  memoryTokens: number;
  /** When the history no longer fits, it is cut down to this fraction of its room (see `planContext`). */
  lowWater: number;
}

export function budgetShares(contextTokens: number, memoryTokens = Math.floor(contextTokens * 0.05)): BudgetShares {
  return {
    summaryTokens: Math.min(800, Math.floor(contextTokens * 0.15)),
    toolResultTokens: Math.min(1500, Math.floor(contextTokens * 0.2)),
    turnTextTokens: Math.floor(contextTokens * 0.3),
    memoryTokens,
    lowWater: 0.5,
  };
}

/**
 * Room for the messages of one compaction call: the budget less the summary prompt, the previous summary and
 * the new one, and framing; never under 200 tokens.
 */
export function compactionRoom(contextTokens: number, promptTokens: number, summaryTokens: number): number {
  return Math.max(200, contextTokens - (promptTokens + 2 * summaryTokens + 64));
}

export interface ContextPlan {
  /** Recent messages sent verbatim, oldest first. */
  keep: StoredSessionMessage[];
  /** Older messages to fold into the summary before the call (empty when all fit). */
  compact: StoredSessionMessage[];
}

export function historyRoom(budget: ContextBudget): number {
  return budget.totalTokens - budget.fixedTokens - budget.turnTokens - budget.summaryTokens;
}

export function messageTokens(message: { text: string }, count: CountTokens): number {
  return count(message.text) + messageOverheadTokens;
}

/**
 * Stage 7: which past messages go verbatim into the next call. When the history no longer fits,
 * it is cut down to `lowWater` of the room (not just under it), so compaction, and the change of
 * the prompt prefix that comes with it, happens once in many turns and provider caches keep hitting.
 */
export function planContext(
  history: readonly StoredSessionMessage[],
  budget: ContextBudget,
  count: CountTokens,
  lowWater = budgetShares(budget.totalTokens).lowWater,
): ContextPlan {
  const room = Math.max(0, historyRoom(budget));
  const sizes = history.map((message) => messageTokens(message, count));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= room) return { keep: [...history], compact: [] };
  let kept = 0;
  let start = history.length;
  while (start > 0 && kept + sizes[start - 1]! <= room * lowWater) {
    start -= 1;
    kept += sizes[start]!;
  }
  return { keep: history.slice(start), compact: history.slice(0, start) };
}

/** Cuts a text to at most `maxTokens`, keeping its head and tail, and says how much was left out. */
export function trimHeadTail(text: string, maxTokens: number, count: CountTokens): string {
  const tokens = count(text);
  if (tokens <= maxTokens) return text;
  let keepChars = Math.floor((text.length * maxTokens) / tokens);
  for (;;) {
    const headChars = Math.max(0, Math.ceil(keepChars * 0.6));
    const tailChars = Math.max(0, keepChars - headChars);
    const omitted = text.length - headChars - tailChars;
    const trimmed = `${text.slice(0, headChars)}\n[… ${omitted} characters trimmed to save tokens …]\n${text.slice(text.length - tailChars)}`;
    if (count(trimmed) <= maxTokens || keepChars === 0) return trimmed;
    keepChars = Math.floor(keepChars * 0.85);
  }
}
