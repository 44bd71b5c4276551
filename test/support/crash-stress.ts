import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DatabaseSync } from "node:sqlite";
import { startFakeBotApi, visibleText, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { tempDataDir } from "./web-chat-client.ts";

/**
 * The operator's crash test of issue 24, as a harness: N Telegram DM conversations send `/echo <id>`
 * steadily through the fake Bot API while a real `pincer start` process is killed with SIGKILL at
 * seeded random moments and started again on the same DATA_DIR; at the end every message id must have
 * exactly one answer, except at most one part per conversation that was mid-send at a kill.
 */
export interface StressPlan {
  seed: number;
  mode: "polling" | "webhook";
  conversations: number;
  kills: number;
  /** Pause between two messages of one conversation. */
  messageIntervalMs: number;
  /** A kill lands this long after the process was spawned, at most (uniformly drawn). */
  maxLifeMs: number;
  log?: (line: string) => void;
}

export interface StressResult {
  seed: number;
  mode: StressPlan["mode"];
  messageCount: number;
  answeredOnceCount: number;
  missingIds: string[];
  duplicatedIds: string[];
  /** Bot messages that repeat an earlier answer (a part sent twice gives one, whatever ids it carries). */
  extraMessageCount: number;
  /** For the first duplicated ids: each bot message that carries it, with every text it had. */
  duplicateDetails: string[];
  kills: number;
  /** Parts that may have been accepted by the platform in the instant before the process recorded them. */
  inFlightAtKills: number;
  /** The most parts caught mid-send by one kill (at most one per conversation). */
  maxInFlightPerKill: number;
  durationMs: number;
}

/** mulberry32: small, seeded, good enough to place kills. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Obviously fake, and 32+ characters as a webhook secret must be. */
const webhookSecret = "stress-test-webhook-secret-0123456789";
const userIdBase = 200_000_000;

/**
 * Parts that a kill caught between "sent to the platform" and "recorded": the outbox rows still claimed
 * (`sending`) once the process is dead, each with its claim's expiry, so that a part claimed again and caught again
 * by a later kill counts again (each claim is one send). A store without claims records none, so every duplicate counts.
 */
function inFlightParts(dataDir: string): string[] {
  const path = join(dataDir, "pincer.db");
  if (!existsSync(path)) return [];
  const database = new DatabaseSync(path);
  try {
    const columns = (database.prepare("PRAGMA table_info(outbox)").all() as { name: string }[]).map((column) => column.name);
    if (!columns.includes("claimed_until")) return [];
    const rows = database.prepare("SELECT key, claimed_until FROM outbox WHERE status = 'sending'").all() as { key: string; claimed_until: number | null }[];
    return rows.map((row) => `${row.key}@${row.claimed_until ?? 0}`);
  } finally {
    database.close();
  }
}

/** The echoed ids a bot message carries now (one per line). */
function echoedIds(text: string | undefined): string[] {
  if (text === undefined) return [];
  return [...new Set(visibleText(text).split("\n").map((each) => each.trim()))].filter((line) => /^c\d+m\d+$/.test(line));
}

/** How many bot messages (their current text) carry each echoed id as a line. */
export function answersPerId(fake: FakeBotApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of fake.sent) {
    for (const id of echoedIds(message.text)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Bot messages that repeat an answer an earlier message already gave: one per part sent twice. */
export function extraMessageCount(fake: FakeBotApi): number {
  const seen = new Set<string>();
  let extra = 0;
  for (const message of fake.sent) {
    const ids = echoedIds(message.text);
    if (ids.some((id) => seen.has(id))) extra += 1;
    for (const id of ids) seen.add(id);
  }
  return extra;
}

export async function runCrashStress(plan: StressPlan): Promise<StressResult> {
  const log = plan.log ?? (() => undefined);
  const random = seededRandom(plan.seed);
  const startedAt = Date.now();
  const fake = await startFakeBotApi({ maxHoldMs: 300 });
  const dataDir = tempDataDir();
  const port = plan.mode === "webhook" ? await freePort() : 0;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: "error",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    PINCER_DM_POLICY: "open",
    ...(plan.mode === "webhook" ? { TELEGRAM_WEBHOOK_SECRET: webhookSecret } : {}),
  };
  const ids: string[] = [];
  let child: ChildProcess | undefined;
  let isSending = true;
  /** A claim left unrecorded by one kill and still so at the next counts once. */
  const inFlight = new Set<string>();
  let maxInFlightPerKill = 0;

  // Webhook mode: the test is Telegram, which redelivers an update until it gets a 2xx.
  const webhookQueues = Array.from({ length: plan.conversations }, () => [] as Record<string, unknown>[]);
  let nextUpdateId = 1;
  const deliverLoop = async (queue: Record<string, unknown>[]) => {
    while (isSending || queue.length > 0) {
      const update = queue[0];
      if (!update) {
        await sleep(20);
        continue;
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/webhooks/telegram`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": webhookSecret },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.ok) queue.shift();
        else await sleep(100);
      } catch {
        await sleep(100);
      }
    }
  };

  const sendLoop = async (conversation: number) => {
    const chatId = userIdBase + conversation;
    const user = { id: chatId, is_bot: false, first_name: `User ${conversation}` };
    for (let index = 0; isSending; index += 1) {
      const id = `c${conversation}m${index}`;
      ids.push(id);
      const update = {
        update_id: nextUpdateId++,
        message: { message_id: index + 1, from: user, chat: { id: chatId, type: "private", first_name: user.first_name }, date: Math.floor(Date.now() / 1000), text: `/echo ${id}` },
      };
      if (plan.mode === "webhook") webhookQueues[conversation]!.push(update);
      else fake.push(update);
      await sleep(plan.messageIntervalMs * (0.5 + random()));
    }
  };

  let spawnCount = 0;
  const spawnGateway = () => {
    spawnCount += 1;
    const started = spawn(process.execPath, ["bin/pincer.ts", "start"], { env: { ...env, ...(process.env.STRESS_LOG_LEVEL ? { LOG_LEVEL: process.env.STRESS_LOG_LEVEL } : {}) }, stdio: ["ignore", "pipe", "inherit"] });
    if (process.env.STRESS_LOG_DIR) {
      const file = join(process.env.STRESS_LOG_DIR, `gateway-${spawnCount}.log`);
      started.stdout!.on("data", (chunk) => appendFileSync(file, chunk));
    }
    child = started;
    return started;
  };

  /** Resolves when the gateway printed its URL (or exited). */
  const ready = (started: ChildProcess) =>
    new Promise<void>((resolve) => {
      let output = "";
      started.stdout!.on("data", (chunk) => {
        output += String(chunk);
        if (output.includes("Pincer is running at")) resolve();
      });
      started.once("exit", () => resolve());
    });

  const senders = Array.from({ length: plan.conversations }, (_, index) => sendLoop(index));
  const deliverers = plan.mode === "webhook" ? webhookQueues.map(deliverLoop) : [];
  try {
    for (let kill = 1; kill <= plan.kills; kill += 1) {
      const running = spawnGateway();
      // Most kills land while the gateway works; some during its start (recovery, first polls).
      const isDuringStart = random() < 0.2;
      if (!isDuringStart) await ready(running);
      const lifeMs = Math.round(random() * plan.maxLifeMs);
      await sleep(lifeMs);
      running.kill("SIGKILL");
      await once(running, "exit");
      const caught = inFlightParts(dataDir);
      for (const key of caught) inFlight.add(key);
      maxInFlightPerKill = Math.max(maxInFlightPerKill, caught.length);
      log(`kill ${kill}/${plan.kills} ${lifeMs} ms after ${isDuringStart ? "spawn" : "ready"}: ${answersPerId(fake).size} ids answered so far, ${caught.length} in flight`);
    }
    isSending = false;
    await Promise.all(senders);
    spawnGateway();
    await Promise.all(deliverers);
    // Quiet: every id answered and no new bot message for a while.
    const deadline = Date.now() + 120_000;
    let lastCount = -1;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      const answered = answersPerId(fake);
      const count = fake.sent.length + fake.callsOf("editMessageText").length;
      if (count !== lastCount) {
        lastCount = count;
        quietSince = Date.now();
      }
      if (ids.every((id) => answered.has(id)) && Date.now() - quietSince > 3000) break;
      await sleep(200);
    }
    const answered = answersPerId(fake);
    const result: StressResult = {
      seed: plan.seed,
      mode: plan.mode,
      messageCount: ids.length,
      answeredOnceCount: ids.filter((id) => answered.get(id) === 1).length,
      missingIds: ids.filter((id) => !answered.has(id)),
      duplicatedIds: ids.filter((id) => (answered.get(id) ?? 0) > 1),
      extraMessageCount: extraMessageCount(fake),
      duplicateDetails: ids.filter((id) => (answered.get(id) ?? 0) > 1).slice(0, 5).map((id) => `${id}: ${fake.sent
        .filter((message) => message.text !== undefined && visibleText(message.text).split("\n").includes(id))
        .map((message) => `#${message.messageId} ${JSON.stringify(message.history.map(visibleText))}`).join(" | ")}`),
      kills: plan.kills,
      inFlightAtKills: inFlight.size,
      maxInFlightPerKill,
      durationMs: Date.now() - startedAt,
    };
    return result;
  } finally {
    isSending = false;
    if (child && child.exitCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
    await fake.close();
  }
}

/** One line for logs and docs/benchmarks.md. */
export function describeStress(result: StressResult): string {
  return `seed ${result.seed} (${result.mode}): ${result.messageCount} messages, ${result.kills} SIGKILLs, ` +
    `${result.answeredOnceCount} answered exactly once, ${result.duplicatedIds.length} answered twice or more ` +
    `in ${result.extraMessageCount} repeated messages (allowed: ${result.inFlightAtKills} parts in flight at the kills), ${result.missingIds.length} unanswered, ${Math.round(result.durationMs / 1000)} s` +
    (result.duplicatedIds.length > 0 ? `; duplicated: ${result.duplicatedIds.slice(0, 10).join(", ")}` : "") +
    (result.missingIds.length > 0 ? `; missing: ${result.missingIds.slice(0, 10).join(", ")}` : "");
}
