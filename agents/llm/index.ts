import { memoryBlock } from "../../core/memory.ts";
import { budgetShares, messageTokens, planContext, trimHeadTail, type CountTokens } from "../../core/context.ts";
import type { Agent, AgentContext, AgentEvent, AgentInput, StoredSessionMessage } from "../../core/types/agent.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Tool } from "../tools/tool.ts";
import { createAnthropicProvider } from "./anthropic-provider.ts";
import { compact } from "./compaction.ts";
import type { LlmMessage, ModelProvider, ToolCall } from "./model.ts";
import { createOpenAiProvider } from "./openai-provider.ts";
import { systemPrompt, userTurnText } from "./prompt.ts";
import { runTools } from "./run-tools.ts";
import { loadTokenizer } from "./tokenizer.ts";
import { acceptsImages, imageTokens } from "./vision.ts";
import { toolSpec } from "../tools/index.ts";

export interface LlmAgentOptions {
  provider: "openai" | "anthropic";
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  maxSteps: number;
  contextTokens: number;
  /** PINCER_MEMORY_TOKENS: the memories' share of each call (default 5% of contextTokens). */
  memoryTokens?: number;
  workspaceDir: string;
  tools: Tool[];
  /** Replaces the provider built from the options above (tests, or another SDK). */
  modelProvider?: ModelProvider;
  maxOutputTokens?: number;
}

const summaryMessage = (summary: string): LlmMessage => ({ role: "user", text: `Summary of the conversation so far:\n${summary}` });

function historyMessages(history: readonly StoredSessionMessage[]): LlmMessage[] {
  return history.map((message) =>
    message.role === "user" ? { role: "user", text: message.text } : { role: "assistant", text: message.text, toolCalls: [] },
  );
}

function turnTokens(turn: readonly LlmMessage[], count: CountTokens): number {
  return turn.reduce((sum, message) => {
    const extra =
      message.role === "assistant"
        ? count(JSON.stringify(message.toolCalls))
        : message.role === "user"
          ? (message.images ?? []).reduce((total, image) => total + imageTokens(image), 0)
          : 0;
    return sum + messageTokens(message, count) + extra;
  }, 0);
}

/** The turn's message with the memory block before it (the block has its own share of the budget). */
function withMemories(memories: string, text: string): string {
  return memories ? `${memories}\n\n${text}` : text;
}

export function createModelProvider(options: Pick<LlmAgentOptions, "provider" | "baseUrl" | "apiKey" | "model">): ModelProvider {
  return options.provider === "anthropic" ? createAnthropicProvider(options) : createOpenAiProvider(options);
}

/** The LLM agent: any OpenAI-compatible endpoint or Anthropic, a tool loop, every call within the token budget. */
export function createLlmAgent(options: LlmAgentOptions): Agent {
  const provider = options.modelProvider ?? createModelProvider(options);
  // The tools offered follow the chat's policy: a tool the chat may not run is not even described (its schema costs tokens).
  const toolsFor = (policy: AgentContext["toolPolicy"]) =>
    options.tools.filter((tool) => policy === "all" || (policy === "read" && tool.risk === "read"));
  const specsByPolicy = new Map((["all", "read", "none"] as const).map((policy) => [policy, toolsFor(policy).map(toolSpec)]));
  const shares = budgetShares(options.contextTokens, options.memoryTokens);
  const { summaryTokens } = shares;
  const maxResultTokens = shares.toolResultTokens;
  const maxOutputTokens = options.maxOutputTokens ?? 2048;

  async function* run(input: AgentInput, context: AgentContext): AsyncGenerator<AgentEvent> {
    const count = await loadTokenizer();
    const model = context.model ?? provider.model;
    const specs = specsByPolicy.get(context.toolPolicy)!;
    const tools = new Map(toolsFor(context.toolPolicy).map((tool) => [tool.name, tool]));
    const system = context.instructions ? `${systemPrompt}\n\nInstructions for this chat:\n${context.instructions}` : systemPrompt;
    const fixedTokens = messageTokens({ text: system }, count) + count(JSON.stringify(specs));
    // The memories most relevant to this turn, within their share: outside the history, so compaction never drops them.
    const memories = context.memory ? memoryBlock(await context.memory.relevant(input.text), shares.memoryTokens, count) : "";
    const turn: LlmMessage[] = [
      {
        role: "user",
        text: withMemories(memories, trimHeadTail(userTurnText(input), shares.turnTextTokens, count)),
        ...(input.images.length > 0 ? { images: input.images } : {}),
      },
    ];
    let summary = context.session.summary;
    let history = context.session.history;

    for (let step = 1; step <= options.maxSteps; step += 1) {
      const budget = { totalTokens: options.contextTokens, fixedTokens, turnTokens: turnTokens(turn, count), summaryTokens };
      if (fixedTokens + budget.turnTokens + summaryTokens > options.contextTokens) {
        throw new BridgeError(
          "budget-exceeded",
          `This task no longer fits the ${options.contextTokens.toLocaleString("en-US")}-token budget per call (PINCER_CONTEXT_TOKENS). Split it into smaller requests.`,
        );
      }
      const plan = planContext(history, budget, count, shares.lowWater);
      if (plan.compact.length > 0) {
        summary = yield* compact(summary, plan.compact, { provider, model, count, contextTokens: options.contextTokens, summaryTokens }, context);
        history = plan.keep;
      }
      const prefix = [...(summary ? [summaryMessage(trimHeadTail(summary, summaryTokens, count))] : []), ...historyMessages(history)];

      await context.checkBudget();
      let text = "";
      let calls: ToolCall[] = [];
      for await (const event of provider.stream(
        { model, system, messages: [...prefix, ...turn], tools: specs, maxOutputTokens, stablePrefixLength: prefix.length },
        context.signal,
      )) {
        switch (event.type) {
          case "text":
            text += event.text;
            yield { type: "text-delta", text: event.text };
            break;
          case "tool-calls":
            calls = event.calls;
            break;
          case "usage":
            yield { type: "usage", model, inputTokens: event.inputTokens, outputTokens: event.outputTokens, cachedTokens: event.cachedTokens };
            break;
        }
      }
      if (calls.length === 0) {
        yield { type: "done" };
        return;
      }
      if (text) yield { type: "text-delta", text: "\n\n" };
      turn.push({ role: "assistant", text, toolCalls: calls });
      turn.push(...(yield* runTools(calls, { tools, workspaceDir: options.workspaceDir, count, maxResultTokens }, context)));
    }
    yield { type: "text-delta", text: `\n\n(Stopped after ${options.maxSteps} steps, the limit set by PINCER_MAX_STEPS.)` };
    yield { type: "done" };
  }

  return { id: "llm", model: provider.model, acceptsImages: acceptsImages(provider.model), run };
}
