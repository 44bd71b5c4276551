import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createPipeline } from "../../core/pipeline.ts";
import { fakeMessage, pipelineDeps, webAdapter, webMessage } from "../core/stages/harness.ts";
import { recordingAdapter } from "../support/responder.ts";
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

describe.skipIf(!testDatabaseUrl)("statements per message of a paired sender on PostgreSQL", () => {
  const factory = testDatabaseUrl ? postgresFactory(testDatabaseUrl) : undefined;
  afterAll(() => factory?.cleanup());

  it("admits a paired sender who tells their language with two reads and no write", async () => {
    const store = await factory!.open();
    const fake = recordingAdapter();
    // The default DM policy (pairing), as a Telegram update from a paired sender carries it, `language_code` included.
    const pipeline = createPipeline(pipelineDeps(store, [fake.adapter]));
    const now = Date.now();
    await store.pairing.save({
      platform: "fake", chatId: undefined, userId: "u1", displayName: "Ada", code: "ABCD2345", createdAt: now, expiresAt: now + 60_000, lastSentAt: now, approvedAt: undefined,
    });
    await store.pairing.approve("fake", "ABCD2345", now);
    const message = (id: string, text: string) => fakeMessage({ id, text, sender: { id: "u1", displayName: "Ada", isBot: false, locale: "zh-CN" } });
    await pipeline.receive(message("m0", "/echo warm-up"));
    await pipeline.idle();
    const statements = await recordStatements(async () => {
      await pipeline.receive(message("m1", "/echo hi"));
      await pipeline.idle();
    });
    console.log(`statements for a paired sender's /echo: ${statements.length}\n${statements.join("\n")}`);
    expect(fake.sends().map((send) => send.text)).toEqual(["warm-up", "hi"]);
    // The web chat's 7, the sender's pairing and the language remembered for them; their language is written only
    // when it changes, as an admin's DM is.
    expect(statements.filter((text) => / (pairing|adapter_state|contacts)\b/.test(text))).toEqual([
      expect.stringMatching(/^SELECT \* FROM pairing /),
      expect.stringMatching(/^SELECT value FROM adapter_state /),
    ]);
    expect(statements.length).toBeLessThanOrEqual(9);
  });
});

describe.skipIf(testDatabaseUrl)(skipReason, () => {
  it.skip("statements per message", () => {});
});
