import { join } from "node:path";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { createTools, toolSpec } from "../agents/tools/index.ts";
import { systemPrompt } from "../agents/llm/prompt.ts";
import { loadConfig } from "../core/config.ts";
import { startGateway } from "../gateway/gateway.ts";
import { startFakeOpenAI } from "../test/fakes/openai-server.ts";

/**
 * A 200-turn conversation through the real gateway and LLM agent against the fake model server:
 * the prompt tokens of each call, next to a naive agent that resends the whole history.
 */
export interface ContextTokensResult {
  budgetTokens: number;
  fixedTokens: number;
  checkpoints: { turn: number; pincerTokens: number; naiveTokens: number }[];
  maxPincerTokens: number;
  compactionCalls: number;
  totalPincerTokens: number;
  totalNaiveTokens: number;
}

const turns = 200;
const checkpoints = [10, 50, 100, 200];
const answer = (turn: number) =>
  `Here is what I found for request ${turn}. ` + "The build passes, the logs show nothing unusual, and the disk has room. ".repeat(4);
const question = (turn: number) => `Request ${turn}: check the build status of service ${turn % 7} and tell me what changed since yesterday.`;

function promptTokens(body: { messages: { content?: unknown }[]; tools?: unknown[] }): number {
  const tools = body.tools ? countTokens(JSON.stringify(body.tools.map((tool) => (tool as { function: unknown }).function))) : 0;
  return tools + body.messages.reduce((sum, message) => sum + countTokens(String(message.content ?? "")) + 4, 0);
}

export async function measureContextTokens(budgetTokens = 8000): Promise<ContextTokensResult> {
  let turn = 0;
  const model = await startFakeOpenAI({ fallback: () => ({ type: "text", text: answer(turn) }) });
  const dataDir = join((await import("node:os")).tmpdir(), `pincer-bench-context-${process.pid}`);
  const gateway = await startGateway(
    loadConfig({
      DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent",
      OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-bench-fake", OPENAI_MODEL: "gpt-4o-mini",
      PINCER_CONTEXT_TOKENS: String(budgetTokens),
    }),
  );
  const fixedTokens = countTokens(systemPrompt) + 4 + countTokens(JSON.stringify(createTools({ shell: { env: {} } }).map(toolSpec)));
  const perTurn: number[] = [];
  const naive: number[] = [];
  let naiveHistory = 0;
  try {
    for (turn = 1; turn <= turns; turn += 1) {
      const before = model.chatRequests().length;
      await fetch(`${gateway.url}api/web/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${gateway.adminToken}` },
        body: JSON.stringify({ conversationId: "bench", messageId: `m${turn}`, text: question(turn) }),
      });
      await gateway.pipeline.idle();
      const calls = model.chatRequests().slice(before).map((request) => request.body);
      const answerCall = calls.filter((body) => body.messages[0]?.content !== undefined && !String(body.messages[0].content).startsWith("You maintain")).at(-1)!;
      perTurn.push(promptTokens(answerCall as never));
      const newMessage = countTokens(question(turn)) + 4;
      naive.push(fixedTokens + naiveHistory + newMessage);
      naiveHistory += newMessage + countTokens(answer(turn)) + 4;
    }
    const all = model.chatRequests().map((request) => request.body);
    const compactionCalls = all.filter((body) => String(body.messages[0]?.content).startsWith("You maintain")).length;
    return {
      budgetTokens,
      fixedTokens,
      checkpoints: checkpoints.map((at) => ({ turn: at, pincerTokens: perTurn[at - 1]!, naiveTokens: naive[at - 1]! })),
      maxPincerTokens: Math.max(...all.map((body) => promptTokens(body as never))),
      compactionCalls,
      totalPincerTokens: all.reduce((sum, body) => sum + promptTokens(body as never), 0),
      totalNaiveTokens: naive.reduce((sum, tokens) => sum + tokens, 0),
    };
  } finally {
    await gateway.stop();
    await model.close();
    (await import("node:fs")).rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderContextTokens(result: ContextTokensResult, format: "text" | "markdown"): string {
  const rows = result.checkpoints.map((point) => [
    String(point.turn),
    point.pincerTokens.toLocaleString("en-US"),
    point.naiveTokens.toLocaleString("en-US"),
    `${(point.naiveTokens / point.pincerTokens).toFixed(1)}×`,
  ]);
  const lines = [
    `Prompt tokens per call, ${turns}-turn conversation, PINCER_CONTEXT_TOKENS=${result.budgetTokens} (o200k tokenizer):`,
    `fixed prompt (system + ${"tool schemas"}): ${result.fixedTokens} tokens; largest call: ${result.maxPincerTokens}; compaction calls: ${result.compactionCalls};`,
    `all calls: ${result.totalPincerTokens.toLocaleString("en-US")} tokens against ${result.totalNaiveTokens.toLocaleString("en-US")} for the naive agent.`,
  ];
  if (format === "markdown") {
    return [
      "",
      "### Prompt tokens per call over a 200-turn conversation",
      "",
      ...lines.map((line) => `${line}  `),
      "",
      "| turn | Pincer | naive (resends everything) | naive ÷ Pincer |",
      "|---:|---:|---:|---:|",
      ...rows.map((row) => `| ${row.join(" | ")} |`),
      "",
    ].join("\n");
  }
  return ["", ...lines, ...rows.map(([turn, pincer, naive, ratio]) => `  turn ${turn}: Pincer ${pincer}, naive ${naive} (${ratio})`), ""].join("\n");
}

if (import.meta.main) {
  process.stdout.write(renderContextTokens(await measureContextTokens(), "text"));
}
