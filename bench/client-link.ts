import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ClientAnswer, ClientRequest, WithoutId } from "./client-process.ts";
import type { EchoCheck } from "./echo-ledger.ts";
import type { LoadLimits, LoadPlan, LoadResult, Target } from "./load-client.ts";

export interface LoadClient {
  run(target: Target, plan: LoadPlan, tag: string, limits: LoadLimits): Promise<LoadResult>;
  /** Starts the client's fake Telegram Bot API for `token`; resolves to its URL (the bot's apiRoot). */
  startBotApi(token: string): Promise<string>;
  /** Whether each Telegram message of the runs tagged `tagPrefix…` reached the fake Bot API exactly once. */
  checkEchoes(tagPrefix: string): Promise<EchoCheck>;
  close(): Promise<void>;
}

const quickAnswerTimeoutMs = 10_000;

/** Forks the load client and sends it one request at a time. */
export function spawnLoadClient(): LoadClient {
  const child = fork(fileURLToPath(new URL("./client-process.ts", import.meta.url)), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 0;
  const exited = once(child, "exit");

  const ask = (request: WithoutId<ClientRequest>, answerTimeoutMs: number) => {
    nextId += 1;
    const id = nextId;
    return new Promise<ClientAnswer>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`load client gave no answer to ${request.type} within ${answerTimeoutMs} ms`)), answerTimeoutMs);
      const onMessage = (answer: ClientAnswer) => {
        if (answer.id !== id) return;
        if (answer.type === "error") finish(new Error(`load client: ${answer.message}`));
        else finish(undefined, answer);
      };
      const onExit = () => finish(new Error("load client exited"));
      const finish = (error: Error | undefined, answer?: ClientAnswer) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (error) reject(error);
        else resolve(answer!);
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      child.send({ id, ...request } as ClientRequest);
    });
  };

  const unexpected = (answer: ClientAnswer, wanted: string) => new Error(`load client answered ${answer.type}, not ${wanted}`);

  return {
    async run(target, plan, tag, limits) {
      const answer = await ask({ type: "run", target, plan, tag, limits }, limits.runTimeoutMs + limits.replyTimeoutMs + 10_000);
      if (answer.type !== "result") throw unexpected(answer, "result");
      return answer.result;
    },
    async startBotApi(token) {
      const answer = await ask({ type: "start-bot-api", token }, quickAnswerTimeoutMs);
      if (answer.type !== "bot-api") throw unexpected(answer, "bot-api");
      return answer.url;
    },
    async checkEchoes(tagPrefix) {
      const answer = await ask({ type: "check-echoes", tagPrefix }, quickAnswerTimeoutMs);
      if (answer.type !== "echo-check") throw unexpected(answer, "echo-check");
      return answer.check;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
