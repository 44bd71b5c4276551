import { join } from "node:path";
import { startBenchGateway } from "./bench-gateway.ts";
import type { LoadClient } from "./client-link.ts";
import type { EchoCheck } from "./echo-ledger.ts";
import type { Target } from "./load-client.ts";
import { runRounds, type RoundsPlan } from "./rounds.ts";
import type { ServerRun } from "./server-run.ts";
import { countDoneMessages, describeMessages } from "./store-check.ts";
import { startTelegramForwarder } from "./telegram-forwarder.ts";

/** Obviously fake: the Bot API that sees it is the load client's. */
const botToken = "123456:BENCH-fake";
const secretToken = "bench-webhook-secret-0123456789abcdef";

export interface TelegramResults {
  closed: { telegramForwarder: ServerRun; telegramGateway: ServerRun };
  echoes: { telegramForwarder: EchoCheck; telegramGateway: EchoCheck };
  /** Inbox rows the Telegram gateway marked done in its SQLite file. */
  storedDoneCount: number;
  gatewayLogLineCount: number;
}

/**
 * Design §7's "webhook → inbox → agent → send" through the real Telegram adapter: a second gateway
 * (its own SQLite file) with the Telegram channel in webhook mode against the client's fake Bot API,
 * next to a bare node:http Telegram forwarder, with the same closed-loop rounds as the web scenario.
 * Servers it starts are stopped by `stoppers`.
 */
export async function runTelegramScenario(
  client: LoadClient,
  plan: RoundsPlan,
  dataDir: string,
  stoppers: (() => Promise<void>)[],
  log: (line: string) => void,
): Promise<TelegramResults> {
  log("Telegram: fake Bot API in the load client, gateway with the Telegram channel by webhook");
  const apiRoot = await client.startBotApi(botToken);
  const { gateway, logTap } = await startBenchGateway(dataDir, {
    TELEGRAM_BOT_TOKEN: botToken,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_SECRET: secretToken,
    PINCER_DM_POLICY: "open",
  });
  stoppers.push(() => gateway.stop());
  const forwarder = await startTelegramForwarder({ apiRoot, botToken, secretToken });
  stoppers.push(() => forwarder.stop());

  const targets: Record<keyof TelegramResults["closed"], Target> = {
    telegramForwarder: { type: "telegram", name: "bare node:http Telegram forwarder", url: forwarder.url, secretToken },
    telegramGateway: { type: "telegram", name: "Pincer gateway, Telegram adapter (SQLite on)", url: gateway.url, secretToken },
  };
  const closed = await runRounds(client, targets, plan, { telegramGateway: () => gateway.pipeline.idle() }, log);
  // Anything the gateway still had to send (a retry, a late duplicate) reaches the fake before the count.
  await gateway.pipeline.idle();
  const echoes = {
    telegramForwarder: await client.checkEchoes("telegramForwarder-"),
    telegramGateway: await client.checkEchoes("telegramGateway-"),
  };
  for (const key of ["telegramForwarder", "telegramGateway"] as const) {
    const { failedCount, firstError } = closed[key].load;
    if (failedCount > 0) log(`${targets[key].name}: ${failedCount} got no echo; first: ${firstError}`);
    const check = echoes[key];
    if (check.exactlyOnceCount !== check.expectedCount || check.strayCount > 0) {
      log(`${targets[key].name}: ${check.missingCount} without echo, ${check.duplicatedCount} echoed more than once, ${check.strayCount} stray echoes; ${check.examples.join("; ")}`);
    }
  }
  const databasePath = join(dataDir, "pincer.db");
  for (const line of describeMessages(databasePath, closed.telegramGateway.load.failedIds)) log(`no echo for ${line}`);
  for (const line of logTap.kept) log(`Telegram gateway logged: ${line}`);
  return { closed, echoes, storedDoneCount: countDoneMessages(databasePath), gatewayLogLineCount: logTap.lineCount() };
}
