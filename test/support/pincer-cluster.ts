import { once } from "node:events";
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { startPincerProcess, type PincerProcess } from "./pincer-process.ts";
import { tempDataDir } from "./web-chat-client.ts";

/** Obviously fake, and 32+ characters as a webhook secret must be. */
export const clusterWebhookSecret = "cluster-test-webhook-secret-0123456789";

/** Several `pincer start` processes on one PostgreSQL schema, each with its own DATA_DIR, Telegram by webhook or polling. */
export async function startCluster(
  count: number,
  options: {
    databaseUrl: string;
    fake: FakeBotApi;
    mode: "webhook" | "polling";
    leaseSec: number;
    /** Extra settings for every process, or per process (by its index). */
    env?: Record<string, string> | ((index: number) => Record<string, string>);
  },
  children: ChildProcess[],
): Promise<PincerProcess[]> {
  const env = (index: number) => ({
    DATA_DIR: tempDataDir(),
    DATABASE_URL: options.databaseUrl,
    PINCER_LEASE_SEC: String(options.leaseSec),
    PINCER_ADMIN_TOKEN: `cluster-admin-token-${index}-0123456789`,
    TELEGRAM_BOT_TOKEN: options.fake.token,
    TELEGRAM_API_ROOT: options.fake.url,
    PINCER_DM_POLICY: "open",
    LOG_LEVEL: "error",
    ...(options.mode === "webhook" ? { TELEGRAM_WEBHOOK_SECRET: clusterWebhookSecret } : {}),
    ...(typeof options.env === "function" ? options.env(index) : options.env),
  });
  // At the same moment: the migrations must serialize themselves.
  return Promise.all(Array.from({ length: count }, (_, index) => startPincerProcess(env(index), children)));
}

/**
 * A load balancer in front of the processes: each update goes to the next process in turn; a process that refuses
 * or is gone is skipped, and the update is offered again (Telegram redelivers until it gets a 2xx).
 */
export function roundRobin(processes: PincerProcess[]) {
  let next = 0;
  return async function deliver(update: Record<string, unknown>): Promise<void> {
    for (;;) {
      const target = processes[next++ % processes.length]!;
      try {
        const response = await fetch(new URL("webhooks/telegram", target.url), {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": clusterWebhookSecret },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        // Connection refused or cut: the next process gets it.
      }
      await sleep(20);
    }
  };
}

export async function kill(process: PincerProcess): Promise<void> {
  if (process.child.exitCode !== null) return;
  process.child.kill("SIGKILL");
  await once(process.child, "exit");
}
