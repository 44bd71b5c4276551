import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createPipeline } from "../../core/pipeline.ts";
import { pipelineDeps, webAdapter, webMessage } from "../core/stages/harness.ts";
import { postgresFactory, skipReason, testDatabaseUrl } from "../support/postgres.ts";

/**
 * Every statement a PostgreSQL client sends while `work` runs, as its first words (BEGIN, INSERT INTO inbox, …), marked
 * when it goes unnamed (parsed and planned again on every call, not prepared once per connection).
 */
async function recordStatements(work: () => Promise<void>): Promise<string[]> {
  const statements: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = typeof args[0] === "string" ? { text: args[0] } : (args[0] as { text?: string; name?: string });
    statements.push(`${config.name ? "" : "unnamed: "}${(config.text ?? "").replace(/\s+/g, " ").trim().slice(0, 70)}`);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = query;
  }
  return statements;
}

describe.skipIf(!testDatabaseUrl)("statements per message on PostgreSQL", () => {
  const factory = testDatabaseUrl ? postgresFactory(testDatabaseUrl) : undefined;
  afterAll(() => factory?.cleanup());

  it("takes a web-chat /echo through the whole pipeline in a handful of statements", async () => {
    const store = await factory!.open();
    const pipeline = createPipeline(pipelineDeps(store, [webAdapter()]));
    await pipeline.receive(webMessage("/echo warm-up", "m0"));
    await pipeline.idle();
    const statements = await recordStatements(async () => {
      await pipeline.receive(webMessage("/echo hi", "m1"));
      await pipeline.idle();
    });
    console.log(`statements for one /echo: ${statements.length}\n${statements.join("\n")}`);
    expect(await store.outbox.get("web:conv1:m1:0")).toMatchObject({ status: "sent" });
    // 18 before: the outbox claim was a transaction (BEGIN, INSERT, COMMIT), the turn's claim two UPDATEs, the session
    // two SELECTs, and the end of the turn three writes; each is one statement now (12). Taking the lease claims the
    // turn and reads the choice, opening the session records the run, giving the lease back says what waits (8); the
    // message just admitted is queued by the take, which claims it with the rest (7).
    expect(statements.length).toBeLessThanOrEqual(7);
    expect(statements.filter((text) => /^(unnamed: )?(BEGIN|COMMIT)/.test(text))).toEqual([]);
    expect(statements.filter((text) => text.startsWith("unnamed: "))).toEqual([]);
  });
});

describe.skipIf(testDatabaseUrl)(skipReason, () => {
  it.skip("statements per message", () => {});
});
