import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeQq, type FakeQq } from "../fakes/qq.ts";
import { qqChat } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { derivedSeqs, startQqGateway } from "../support/qq.ts";
import { scriptedAgent } from "../support/weixin-gateway.ts";

let gateway: Gateway | undefined;
let fake: FakeQq | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** An answer of `parts` paragraphs of about 1,900 characters: one QQ message each. */
const longAnswer = (parts: number) => Array.from({ length: parts }, (_, n) => `Part ${n + 1}. ${"word ".repeat(375)}`.trim()).join("\n\n");

describe("QQ's passive-reply rules", () => {
  it("sends 5 replies to one message, parks the rest and delivers it once, first, with the next message", async () => {
    fake = await startFakeQq();
    const agent = scriptedAgent((input) => (input.text === "everything" ? longAnswer(7) : `short: ${input.text}`));
    ({ gateway } = await startQqGateway(fake, {}, { agent: agent.agent }));
    const chat = qqChat(gateway, fake);
    const first = await chat.send("everything");
    await eventually(() => fake!.sent.length === 5, 4000);
    await gateway.pipeline.idle();
    await settle(300);
    expect(fake.sent).toHaveLength(5);
    expect(fake.refused).toHaveLength(0);
    derivedSeqs(fake.sent);
    expect(fake.sent.every((record) => record.body.msg_id === first.id)).toBe(true);
    expect(await gateway.store.outbox.waiting(`next-inbound:qq:user:${fake.openids.user}`)).toHaveLength(2);

    const second = await chat.send("and?");
    await eventually(() => fake!.sent.length === 8, 4000);
    await settle(300);
    const texts = fake.textsIn(`user:${fake.openids.user}`);
    expect(texts).toHaveLength(8);
    expect(texts[5]).toMatch(/^\(a reply that was waiting\)\nPart 6\./);
    expect(texts[6]).toMatch(/^Part 7\./);
    expect(texts[7]).toBe("short: and?");
    expect(fake.sent.slice(5).map((record) => record.body.msg_id)).toEqual([second.id, second.id, second.id]);
    derivedSeqs(fake.sent.slice(5));
    expect(await gateway.store.outbox.waiting(`next-inbound:qq:user:${fake.openids.user}`)).toHaveLength(0);
  });

  it("parks an answer that outlived its message's window and delivers it once after the next message, also across a restart", async () => {
    fake = await startFakeQq();
    // The answer takes longer than the group's 5-minute window: QQ refuses it (304027 MSG_EXPIRE).
    const slow = scriptedAgent(() => {
      fake!.ageMessages(6 * 60_000);
      return "the slow answer";
    });
    const started = await startQqGateway(fake, {}, { agent: slow.agent });
    gateway = started.gateway;
    await qqChat(gateway, fake, "group").send("slow question");
    await eventually(() => fake!.refused.length === 1, 4000);
    expect(fake.refused[0]!.code).toBe(304027);
    await gateway.pipeline.idle();
    expect(fake.sent).toHaveLength(0);
    await gateway.stop();

    const after = scriptedAgent((input) => `quick: ${input.text}`);
    ({ gateway } = await startQqGateway(fake, {}, { agent: after.agent }, started.dataDir));
    await settle(200);
    expect(fake.sent).toHaveLength(0);
    const next = await qqChat(gateway, fake, "group").send("are you there?");
    await eventually(() => fake!.sent.length === 2, 4000);
    await settle(300);
    expect(fake.textsIn(`group:${fake.openids.group}`)).toEqual(["(a reply that was waiting)\nthe slow answer", "quick: are you there?"]);
    expect(fake.sent.map((record) => record.body.msg_id)).toEqual([next.id, next.id]);
    derivedSeqs(fake.sent);
    expect(after.inputs.map((input) => input.text)).toEqual(["are you there?"]);
  });
});
