import { trimHeadTail, type CountTokens } from "../../core/context.ts";
import type { AgentContext, AgentEvent } from "../../core/types/agent.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import { untrusted } from "../../core/untrusted.ts";
import type { Tool } from "../tools/tool.ts";
import { createAsyncQueue } from "./async-queue.ts";
import type { LlmMessage, ToolCall } from "./model.ts";

export interface RunToolsOptions {
  tools: ReadonlyMap<string, Tool>;
  workspaceDir: string;
  count: CountTokens;
  /** A tool result longer than this is trimmed head and tail before the model sees it. */
  maxResultTokens: number;
}

async function runOne(call: ToolCall, options: RunToolsOptions, context: AgentContext, emit: (event: AgentEvent) => void): Promise<LlmMessage> {
  const reply = (text: string): LlmMessage => ({ role: "tool", toolCallId: call.id, name: call.name, text });
  const tool = options.tools.get(call.name);
  if (!tool) return reply(`Error: there is no tool named ${call.name}.`);
  let args: unknown;
  try {
    args = JSON.parse(call.arguments || "{}");
  } catch {
    return reply("Error: the arguments are not valid JSON.");
  }
  const parsed = tool.parameters.safeParse(args);
  if (!parsed.success) return reply(`Error: invalid arguments: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);

  let summary: string;
  try {
    summary = tool.describeCall(parsed.data, options.workspaceDir);
  } catch (thrown) {
    return reply(`Error: ${toBridgeError(thrown).message}`);
  }
  await context.audit("tool-call", { tool: call.name, summary, risk: tool.risk });
  const decision = tool.isContained
    ? { isApproved: true, decidedBy: "no one: it touches only the sender's memories and this chat's knowledge" }
    : await context.requestApproval({
        toolName: call.name,
        summary,
        arguments: parsed.data as Record<string, unknown>,
        ...(tool.fileArguments ? { fileArguments: tool.fileArguments } : {}),
        risk: tool.risk,
      });
  await context.audit("tool-decision", { tool: call.name, isApproved: decision.isApproved, decidedBy: decision.decidedBy });
  if (!decision.isApproved) {
    return reply(`This ${call.name} call was denied by ${decision.decidedBy}; it did not run. Do not retry it.`);
  }
  emit({ type: "tool", phase: "start", name: call.name, summary });
  try {
    const result = await tool.run(parsed.data, {
      signal: context.signal,
      workspaceDir: options.workspaceDir,
      ...(context.memory ? { memory: context.memory } : {}),
      ...(context.knowledge ? { knowledge: context.knowledge } : {}),
      reportStatus: (text) => emit({ type: "status", text: `${call.name}: ${text}` }),
      ...(context.jobs ? { jobs: context.jobs } : {}),
      async requestApproval(more) {
        await context.audit("tool-call", { tool: call.name, summary: more, risk: tool.risk });
        const again = await context.requestApproval({ toolName: call.name, summary: more, risk: tool.risk });
        await context.audit("tool-decision", { tool: call.name, isApproved: again.isApproved, decidedBy: again.decidedBy });
        return again;
      },
    });
    for (const part of result.artifacts) emit({ type: "artifact", part });
    await context.audit("tool-result", { tool: call.name, chars: result.text.length, preview: result.text.slice(0, 200) });
    return reply(untrusted(`${call.name} output`, trimHeadTail(result.text, options.maxResultTokens, options.count)));
  } catch (thrown) {
    const error = toBridgeError(thrown);
    await context.audit("tool-result", { tool: call.name, error: error.message });
    if (context.signal.aborted) throw error;
    return reply(`Error: ${error.message}`);
  } finally {
    emit({ type: "tool", phase: "end", name: call.name });
  }
}

/**
 * Runs one model step's tool calls concurrently (each with its own approval), yielding their
 * progress as it happens, and returns the tool messages in the order of the calls.
 */
export async function* runTools(
  calls: readonly ToolCall[],
  options: RunToolsOptions,
  context: AgentContext,
): AsyncGenerator<AgentEvent, LlmMessage[]> {
  const queue = createAsyncQueue<AgentEvent>();
  let results: LlmMessage[] | undefined;
  let failure: unknown;
  const all = Promise.all(calls.map((call) => runOne(call, options, context, queue.push))).then(
    (messages) => {
      results = messages;
    },
    (thrown: unknown) => {
      failure = thrown ?? new Error("tool failed");
    },
  );
  while (results === undefined && failure === undefined) {
    await Promise.race([all, queue.ready()]);
    yield* queue.drain();
  }
  yield* queue.drain();
  if (failure !== undefined) throw failure;
  return results!;
}
