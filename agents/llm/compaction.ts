import { compactionRoom, messageTokens, type CountTokens } from "../../core/context.ts";
import type { AgentContext, AgentEvent, StoredSessionMessage } from "../../core/types/agent.ts";
import type { ModelProvider } from "./model.ts";
import { summaryPrompt } from "./prompt.ts";

export interface CompactionOptions {
  provider: ModelProvider;
  model: string;
  count: CountTokens;
  /** The prompt budget of one call: compaction calls fit it too. */
  contextTokens: number;
  /** The longest summary, in tokens (the room the context plan keeps for it). */
  summaryTokens: number;
}

function transcript(messages: readonly StoredSessionMessage[]): string {
  return messages.map((message) => `${message.role}: ${message.text}`).join("\n");
}

/** Splits messages into batches whose transcript fits `room` tokens (a message alone too big is cut by the caller's trimming). */
function batches(messages: readonly StoredSessionMessage[], room: number, count: CountTokens): StoredSessionMessage[][] {
  const result: StoredSessionMessage[][] = [];
  let current: StoredSessionMessage[] = [];
  let size = 0;
  for (const message of messages) {
    const tokens = messageTokens(message, count);
    if (current.length > 0 && size + tokens > room) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push({ ...message, text: tokens > room ? message.text.slice(0, room * 3) : message.text });
    size += Math.min(tokens, room);
  }
  if (current.length > 0) result.push(current);
  return result;
}

/**
 * Folds older messages into the running summary with model calls that each fit the budget; yields their
 * usage so the ledger and the caps see them. Returns the new summary.
 */
export async function* compact(
  summary: string,
  messages: readonly StoredSessionMessage[],
  options: CompactionOptions,
  context: AgentContext,
): AsyncGenerator<AgentEvent, string> {
  const room = compactionRoom(options.contextTokens, options.count(summaryPrompt), options.summaryTokens);
  let current = summary;
  for (const batch of batches(messages, room, options.count)) {
    await context.checkBudget();
    const prompt = `Previous summary:\n${current || "(none)"}\n\nNew messages:\n${transcript(batch)}`;
    let next = "";
    for await (const event of options.provider.stream(
      { model: options.model, system: summaryPrompt, messages: [{ role: "user", text: prompt }], tools: [], maxOutputTokens: options.summaryTokens, stablePrefixLength: 0 },
      context.signal,
    )) {
      if (event.type === "text") next += event.text;
      if (event.type === "usage") {
        yield { type: "usage", model: options.model, inputTokens: event.inputTokens, outputTokens: event.outputTokens, cachedTokens: event.cachedTokens };
      }
    }
    current = next.trim() || current;
    await context.saveSummary(current, batch.at(-1)!.seq);
    await context.audit("compaction", { throughSeq: batch.at(-1)!.seq, summaryTokens: options.count(current) });
  }
  return current;
}
