import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startFakeBotApi, visibleText } from "../test/fakes/telegram-bot-api.ts";
import { startGatewayProcess, type GatewayProcess } from "./gateway-processes.ts";

export interface FailoverResult {
  leaseSec: number;
  /** SIGKILL of the poller's holder → another process holds `connection:telegram`. */
  takeoverMs: number;
  /** SIGKILL → the answer to an update sent right after it reached the chat. */
  answeredMs: number;
  /** getUpdates refused because two processes polled at once (should be 0). */
  conflicts: number;
}

const token = "123456:BENCH-failover-fake";

/**
 * Failover of a killed poller: two processes poll Telegram (the test suite's fake, which answers 409 to a second
 * poller) on one PostgreSQL schema; the holder of the connection lease is SIGKILLed and an update sent at once.
 */
export async function measurePollerFailover(schemaUrl: string, leaseSec: number, tempDir: string, log: (line: string) => void): Promise<FailoverResult> {
  const fake = await startFakeBotApi({ token, conflictOnConcurrentPolls: true, maxHoldMs: 300 });
  const processes: GatewayProcess[] = [];
  const database = new pg.Client({ connectionString: schemaUrl });
  try {
    const env = { DATABASE_URL: schemaUrl, PINCER_LEASE_SEC: String(leaseSec), TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: fake.url, PINCER_DM_POLICY: "open" };
    for (let index = 0; index < 2; index += 1) processes.push(await startGatewayProcess(env, tempDir));
    await database.connect();
    const schema = new URL(schemaUrl).searchParams.get("schema")!;
    const holder = async () =>
      (await database.query<{ holder: string }>(
        `SELECT holder FROM ${schema}.leases WHERE key = 'connection:telegram' AND expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`,
      )).rows[0]?.holder;
    const chat = { id: 424242, type: "private", first_name: "Bench" };
    const from = { id: 424242, is_bot: false, first_name: "Bench" };
    const say = (id: number, text: string) =>
      fake.push({ update_id: id, message: { message_id: id, from, chat, date: Math.floor(Date.now() / 1000), text } });
    const answered = (text: string) => fake.sent.some((message) => message.text !== undefined && visibleText(message.text).includes(text));
    const until = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if (await condition()) return performance.now();
        await sleep(20);
      }
      throw new Error(`poller failover: no ${what} within ${timeoutMs} ms`);
    };

    say(1, "/echo before-the-kill");
    await until(() => answered("before-the-kill"), 30_000, "answer before the kill");
    const first = await holder();
    const victim = processes.find((each) => first?.includes(`:${each.child.pid}:`));
    if (!victim) throw new Error(`poller failover: no process holds the poller (lease holder ${first})`);
    log(`poller failover: SIGKILL to the holder (pid ${victim.child.pid}), lease ${leaseSec} s`);
    const killedAt = performance.now();
    await victim.kill();
    say(2, "/echo after-the-kill");
    const takenAt = await until(async () => {
      const now = await holder();
      return now !== undefined && now !== first;
    }, 4 * leaseSec * 1000, "takeover");
    const answeredAt = await until(() => answered("after-the-kill"), 4 * leaseSec * 1000, "answer after the kill");
    return { leaseSec, takeoverMs: takenAt - killedAt, answeredMs: answeredAt - killedAt, conflicts: fake.conflicts() };
  } finally {
    await database.end().catch(() => undefined);
    for (const each of processes) await each.stop();
    await fake.close();
  }
}
