import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { eventually } from "../support/eventually.ts";
import { startFakeIlink, type FakeIlink } from "../fakes/weixin-ilink.ts";
import { tempDataDir } from "../support/web-chat-client.ts";
import { scriptedAgent, startWeixinGateway } from "../support/weixin-gateway.ts";

let gateway: Gateway | undefined;
let fake: FakeIlink | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

const text = (value: string) => ({ type: 1, text_item: { text: value } });
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the ClawBot reply window", () => {
  it("parks an answer that outlived its context token and delivers it, once, before the next answer", async () => {
    fake = await startFakeIlink({ contextTokenTtlMs: 300 });
    const slow = scriptedAgent(
      (input) => (input.text === "slow question" ? "the slow answer" : `quick: ${input.text}`),
      (input) => (input.text === "slow question" ? 600 : 0),
    );
    ({ gateway } = await startWeixinGateway(fake, {}, { agent: slow.agent }));
    fake.push({ items: [text("slow question")] });
    await eventually(() => fake!.refused.length === 1, 4000);
    expect(fake.sent).toHaveLength(0);
    const second = fake.push({ items: [text("are you there?")] });
    await eventually(() => fake!.sent.length === 2, 4000);
    expect(fake.texts()).toEqual(["(a reply that was waiting)\nthe slow answer", "quick: are you there?"]);
    expect(fake.sent.every((record) => record.contextToken === second.context_token)).toBe(true);
    await settle(300);
    expect(fake.sent).toHaveLength(2);
  });

  it("parks the parts past the send budget and delivers them after a restart, on the next message, once", async () => {
    fake = await startFakeIlink();
    const paragraph = (n: number) => `Paragraph ${n}. ${"word ".repeat(700)}`.trim();
    const long = [1, 2, 3].map(paragraph).join("\n\n");
    const first = scriptedAgent((input) => (input.text === "tell me everything" ? long : `short: ${input.text}`));
    const started = await startWeixinGateway(fake, { WEIXIN_SENDS_PER_MESSAGE: "2" }, { agent: first.agent });
    gateway = started.gateway;
    fake.push({ items: [text("tell me everything")] });
    await eventually(() => fake!.sent.length === 2, 4000);
    await settle(300);
    expect(fake.sent).toHaveLength(2);
    expect(fake.refused).toHaveLength(0);
    expect(fake.texts()[0]).toMatch(/^Paragraph 1\./);
    await gateway.stop();
    gateway = undefined;

    const second = scriptedAgent((input) => `short: ${input.text}`);
    ({ gateway } = await startWeixinGateway(fake, { WEIXIN_SENDS_PER_MESSAGE: "2" }, { agent: second.agent }, started.dataDir));
    await settle(200);
    expect(fake.sent).toHaveLength(2);
    fake.push({ items: [text("and?")] });
    await eventually(() => fake!.sent.length === 4, 4000);
    const texts = fake.texts();
    expect(texts[2]).toMatch(/^\(a reply that was waiting\)\nParagraph 3\./);
    expect(texts[3]).toBe("short: and?");
    await settle(300);
    expect(fake.sent).toHaveLength(4);
    expect(second.inputs.map((input) => input.text)).toEqual(["and?"]);
  });

  it("keeps parked parts as outbox rows of the main store, which the background flush leaves for the next message", async () => {
    fake = await startFakeIlink();
    const long = [1, 2, 3].map((n) => `Paragraph ${n}. ${"word ".repeat(700)}`.trim()).join("\n\n");
    const started = await startWeixinGateway(fake, { WEIXIN_SENDS_PER_MESSAGE: "2" }, { agent: scriptedAgent(() => long).agent, outboxFlushMs: 50 });
    gateway = started.gateway;
    fake.push({ items: [text("tell me everything")] });
    await eventually(() => fake!.sent.length === 2, 4000);
    // The third part is parked after the second send's answer arrives, a moment after the fake records the send.
    let waiting = await gateway.store.outbox.waiting(`next-inbound:weixin:${fake.ownerId}`);
    for (let tries = 0; waiting.length === 0 && tries < 200; tries += 1) {
      await settle(20);
      waiting = await gateway.store.outbox.waiting(`next-inbound:weixin:${fake.ownerId}`);
    }
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.part).toMatchObject({ type: "markdown", text: expect.stringMatching(/^Paragraph 3\./) });
    await settle(300);
    expect(fake.sent).toHaveLength(2);
    expect(existsSync(join(started.dataDir, "weixin", "state.db"))).toBe(false);
  });

  it("moves an older version's state.db (cursor, windows, parked replies) into the main store at the first start", async () => {
    fake = await startFakeIlink();
    fake.push({ items: [text("answered before the upgrade")] });
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, "weixin"), { recursive: true });
    const old = new DatabaseSync(join(dataDir, "weixin", "state.db"));
    old.exec(`
      CREATE TABLE cursor (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
      CREATE TABLE windows (user_id TEXT PRIMARY KEY, context_token TEXT NOT NULL, opened_at INTEGER NOT NULL, sends_used INTEGER NOT NULL);
      CREATE TABLE parked (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, step TEXT NOT NULL, parked_at INTEGER NOT NULL, delivered_at INTEGER);
    `);
    old.prepare("INSERT INTO cursor (id, value) VALUES (1, 'cursor-1')").run();
    old.prepare("INSERT INTO windows VALUES (?, 'ctx-old', ?, 10)").run(fake.ownerId, Date.now());
    const insertParked = old.prepare("INSERT INTO parked (user_id, step, parked_at, delivered_at) VALUES (?, ?, ?, ?)");
    insertParked.run(fake.ownerId, JSON.stringify({ kind: "text", text: "delivered long ago" }), Date.now(), Date.now());
    insertParked.run(fake.ownerId, JSON.stringify({ kind: "text", text: "the parked answer: 2 * 3 = 6 (#1)" }), Date.now(), null);
    old.close();
    const agent = scriptedAgent((input) => `short: ${input.text}`);
    ({ gateway } = await startWeixinGateway(fake, {}, { agent: agent.agent }, dataDir));
    expect(existsSync(join(dataDir, "weixin", "state.db"))).toBe(false);
    fake.push({ items: [text("and now?")] });
    await eventually(() => fake!.sent.length === 2, 4000);
    expect(fake.texts()).toEqual(["(a reply that was waiting)\nthe parked answer: 2 * 3 = 6 (#1)", "short: and now?"]);
    expect(agent.inputs.map((input) => input.text)).toEqual(["and now?"]);
  });
});
