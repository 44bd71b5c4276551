import { randomBytes } from "node:crypto";
import pg from "pg";
import { createTopicHandlers, type Broadcast } from "../broadcast.ts";
import type { Logger } from "../../types/logger.ts";

/** One channel for every topic and every schema; each notification names its schema and topic. */
const channel = "pincer_broadcast";
const topicPattern = /^[A-Za-z0-9_:.-]{1,100}$/;
/** UTF-16 units per notification: at most 3 bytes each in UTF-8, so a chunk and its header stay under NOTIFY's 8000 bytes. */
const chunkUnits = 2_400;
/** Payloads being reassembled at once (one per publisher mid-delivery); the oldest go first beyond it. */
const partialsKept = 200;

/** Splits a payload into pieces that never cut a surrogate pair. */
export function chunkPayload(payload: string, units = chunkUnits): string[] {
  if (payload.length <= units) return [payload];
  const chunks: string[] = [];
  for (let start = 0; start < payload.length;) {
    let end = Math.min(start + units, payload.length);
    const last = payload.charCodeAt(end - 1);
    if (end < payload.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(payload.slice(start, end));
    start = end;
  }
  return chunks;
}

/** Reads this schema's notifications, putting a payload sent in pieces together again before it is delivered. */
function createNotificationReader(schema: string, deliver: (topic: string, payload: string) => void): (text: string) => void {
  const partials = new Map<string, { parts: (string | undefined)[]; missing: number }>();
  return (text) => {
    const newline = text.indexOf("\n");
    if (newline < 0) return;
    const [from, topic, id, indexText, countText] = text.slice(0, newline).split("\t");
    if (from !== schema || !topic || !id) return;
    const body = text.slice(newline + 1);
    const index = Number(indexText);
    const count = Number(countText);
    if (count === 1) return deliver(topic, body);
    if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count) return;
    const key = `${topic}\t${id}`;
    const partial = partials.get(key) ?? { parts: new Array<string | undefined>(count).fill(undefined), missing: count };
    partials.set(key, partial);
    if (partial.parts[index] === undefined) {
      partial.parts[index] = body;
      partial.missing -= 1;
    }
    if (partial.missing === 0) {
      partials.delete(key);
      deliver(topic, partial.parts.join(""));
    }
    for (const oldest of partials.keys()) {
      if (partials.size <= partialsKept) break;
      partials.delete(oldest);
    }
  };
}

function checkTopic(topic: string): void {
  if (!topicPattern.test(topic)) throw new Error(`broadcast topic "${topic}": expected 1-100 letters, digits, _ : . -`);
}

/** Sends a payload as one notification, or as numbered pieces in one statement (delivered together, or not at all). */
async function notify(pool: pg.Pool, schema: string, topic: string, payload: string): Promise<void> {
  checkTopic(topic);
  const id = randomBytes(8).toString("hex");
  const chunks = chunkPayload(payload);
  const notifications = chunks.map((chunk, index) => `${schema}\t${topic}\t${id}\t${index}\t${chunks.length}\n${chunk}`);
  await pool.query(`SELECT pg_notify('${channel}', piece) FROM unnest($1::text[]) AS piece`, [notifications]);
}

export interface PostgresBroadcastDeps {
  /** The publisher: a NOTIFY is a statement on any connection. */
  pool: pg.Pool;
  /** The database URL without Pincer's `schema` parameter, for the listening connection. */
  url: string;
  /** Processes of another deployment (another schema) on the same database are not heard. */
  schema: string;
  logger?: Logger;
  /** The first wait before the listening connection is opened again after it dropped (doubling up to 10 s). */
  reconnectMs?: number;
}

/**
 * LISTEN/NOTIFY: one dedicated connection per process listens (opened at the first subscription, opened again when
 * it drops); publishing is a `pg_notify` on the pool. A payload larger than one notification goes as numbered pieces
 * in one statement (one transaction: delivered together, or not at all) and is put together again on receipt.
 */
export function createPostgresBroadcast(deps: PostgresBroadcastDeps): Broadcast {
  const handlers = createTopicHandlers((error) => deps.logger?.warn({ err: error }, "a broadcast subscriber failed"));
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = deps.reconnectMs ?? 500;
  let isClosed = false;

  const receive = createNotificationReader(deps.schema, (topic, payload) => handlers.deliver(topic, payload));

  const scheduleReconnect = () => {
    if (isClosed || retryTimer || handlers.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void listen();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  };

  const listen = (): Promise<void> => {
    if (client || connecting || isClosed) return connecting ?? Promise.resolve();
    const next = new pg.Client({ connectionString: deps.url, application_name: "pincer-listen" });
    const dropped = (error?: unknown) => {
      if (client !== next) return;
      if (error) deps.logger?.warn({ err: error }, "the broadcast's listening connection dropped; opening it again");
      client = undefined;
      next.removeAllListeners("notification");
      void next.end().catch(() => {});
      scheduleReconnect();
    };
    next.on("error", dropped);
    next.on("end", () => dropped());
    next.on("notification", (message) => {
      if (message.channel === channel && message.payload !== undefined) receive(message.payload);
    });
    connecting = (async () => {
      try {
        await next.connect();
        await next.query(`LISTEN ${channel}`);
        if (isClosed) {
          await next.end().catch(() => {});
          return;
        }
        client = next;
        retryMs = deps.reconnectMs ?? 500;
      } catch (error) {
        deps.logger?.warn({ err: error }, "the broadcast could not listen; trying again");
        void next.end().catch(() => {});
        connecting = undefined;
        scheduleReconnect();
        return;
      }
      connecting = undefined;
    })();
    return connecting;
  };

  return {
    publish: (topic, payload) => notify(deps.pool, deps.schema, topic, payload),
    subscribe(topic, handler) {
      checkTopic(topic);
      const unsubscribe = handlers.add(topic, handler);
      void listen();
      return unsubscribe;
    },
    ready: () => listen(),
    async close() {
      isClosed = true;
      clearTimeout(retryTimer);
      await connecting?.catch(() => {});
      const open = client;
      client = undefined;
      await open?.end().catch(() => {});
    },
  };
}
