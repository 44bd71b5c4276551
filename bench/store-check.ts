import { DatabaseSync } from "node:sqlite";

function withDatabase<T>(path: string, work: (database: DatabaseSync) => T): T {
  const database = new DatabaseSync(path, { readOnly: true });
  try {
    return work(database);
  } finally {
    database.close();
  }
}

/** Inbox rows the gateway finished: a check that the durable store was on and saw every message. */
export function countDoneMessages(path: string): number {
  return withDatabase(path, (database) =>
    (database.prepare("SELECT count(*) AS n FROM inbox WHERE status = 'done'").get() as { n: number }).n,
  );
}

/** Trace spans the gateway stored: what tracing writes per message. */
export function countTraceSpans(path: string): number {
  return withDatabase(path, (database) => (database.prepare("SELECT count(*) AS n FROM trace_spans").get() as { n: number }).n);
}

/** Where the store left messages that got no echo (by inbox key, `platform:id`): their inbox status and their reply's outbox rows. */
export function describeMessages(path: string, inboxKeys: readonly string[]): string[] {
  return withDatabase(path, (database) => {
    const inbox = database.prepare("SELECT status FROM inbox WHERE key = ?");
    const outbox = database.prepare("SELECT key, status, attempts, last_error FROM outbox WHERE key LIKE ?");
    const runs = database.prepare("SELECT ref, inbox_keys, outcome, detail FROM runs WHERE inbox_keys LIKE ?");
    return inboxKeys.map((key) => {
      const row = inbox.get(key) as { status: string } | undefined;
      return `${key}: inbox ${row?.status ?? "missing"}; outbox ${JSON.stringify(outbox.all(`${key}:%`))}; runs ${JSON.stringify(runs.all(`%${key}%`))}`;
    });
  });
}
