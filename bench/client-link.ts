import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { RunAnswer, RunRequest } from "./client-process.ts";
import type { LoadLimits, LoadPlan, LoadResult, Target } from "./load-client.ts";

export interface LoadClient {
  run(target: Target, plan: LoadPlan, tag: string, limits: LoadLimits): Promise<LoadResult>;
  close(): Promise<void>;
}

/** Forks the load client and sends it one run at a time. */
export function spawnLoadClient(): LoadClient {
  const child = fork(fileURLToPath(new URL("./client-process.ts", import.meta.url)), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 0;
  const exited = once(child, "exit");

  return {
    async run(target, plan, tag, limits) {
      nextId += 1;
      const id = nextId;
      const answerTimeoutMs = limits.runTimeoutMs + limits.replyTimeoutMs + 10_000;
      return new Promise<LoadResult>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`load client gave no answer within ${answerTimeoutMs} ms`)), answerTimeoutMs);
        const onMessage = (answer: RunAnswer) => {
          if (answer.id !== id) return;
          if (answer.type === "result") finish(undefined, answer.result);
          else finish(new Error(`load client: ${answer.message}`));
        };
        const onExit = () => finish(new Error("load client exited"));
        const finish = (error: Error | undefined, result?: LoadResult) => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
          if (error) reject(error);
          else resolve(result!);
        };
        child.on("message", onMessage);
        child.on("exit", onExit);
        child.send({ id, target, plan, tag, limits } satisfies RunRequest);
      });
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
