import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeQq, type FakeQq } from "../fakes/qq.ts";
import { conversationOn, qqChat } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { derivedSeqs, startQqGateway } from "../support/qq.ts";
import { ask, fakeAgent, pause, say } from "../support/fake-agent.ts";
import { scriptedAgent } from "../support/weixin-gateway.ts";

let gateway: Gateway | undefined;
let fake: FakeQq | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const builtin = () => createBuiltinAgent({ deltaDelayMs: 0 });

describe("QQ over the signed webhook", () => {
  it("answers a C2C message once, as a passive reply to it with a msg_seq from the part's outbox key", async () => {
    fake = await startFakeQq();
    ({ gateway } = await startQqGateway(fake, {}, { agent: builtin() }));
    const chat = conversationOn(qqChat(gateway, fake));
    const { id } = await chat.says("/echo hello QQ");
    await chat.expectAnswer("hello QQ");
    await chat.expectNoAnswer();
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]!.path).toBe(`/v2/users/${fake.openids.user}/messages`);
    expect(fake.sent[0]!.body).toMatchObject({ msg_type: 0, content: "hello QQ", msg_id: id });
    derivedSeqs(fake.sent);
  });

  it("answers a group @mention in the group, and not a guild message that @mentions someone else", async () => {
    fake = await startFakeQq();
    const started = await startQqGateway(fake, {}, { agent: builtin() });
    gateway = started.gateway;
    const group = conversationOn(qqChat(gateway, fake, "group"));
    await group.says("/echo for the bot");
    await group.expectAnswer("for the bot");
    expect(fake.sent[0]!.path).toBe(`/v2/groups/${fake.openids.group}/messages`);

    const other = fake.events.guild("MESSAGE_CREATE", "<@!99887766> /echo not for the bot");
    expect((await fake.deliver(started.webhookUrl, other)).status).toBe(200);
    const addressed = fake.events.guild("AT_MESSAGE_CREATE", `<@!${fake.botId}> /echo in the channel`);
    expect((await fake.deliver(started.webhookUrl, addressed)).status).toBe(200);
    await eventually(() => fake!.textsIn("channel:100010").length === 1, 4000);
    await gateway.pipeline.idle();
    expect(fake.textsIn("channel:100010")).toEqual(["in the channel"]);
    expect(fake.sent.at(-1)!.body).toMatchObject({ msg_id: addressed.d.id });
  });

  it("answers a guild DM in the DM", async () => {
    fake = await startFakeQq();
    const started = await startQqGateway(fake, {}, { agent: builtin() });
    gateway = started.gateway;
    expect((await fake.deliver(started.webhookUrl, fake.events.direct("/echo psst"))).status).toBe(200);
    await eventually(() => fake!.textsIn("dms:18700000000002").length === 1, 4000);
    expect(fake.textsIn("dms:18700000000002")).toEqual(["psst"]);
  });

  it("answers a redelivered event once, acknowledging both with op 12", async () => {
    fake = await startFakeQq();
    const started = await startQqGateway(fake, {}, { agent: builtin() });
    gateway = started.gateway;
    const payload = fake.events.c2c("/echo only once");
    const first = await fake.deliver(started.webhookUrl, payload);
    const again = await fake.deliver(started.webhookUrl, payload);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(first.body).toEqual({ op: 12, d: 0 });
    expect(again.body).toEqual({ op: 12, d: 0 });
    await eventually(() => fake!.sent.length === 1, 4000);
    await gateway.pipeline.idle();
    await settle(200);
    expect(fake.sent).toHaveLength(1);
  });

  it("answers the URL validation (op 13) with the Ed25519 signature of event_ts + plain_token", async () => {
    fake = await startFakeQq({ appSecret: "DG5g3B4j9X2KOErG" });
    const started = await startQqGateway(fake, {}, { agent: builtin() });
    gateway = started.gateway;
    // The example of interface-framework/event-emit.md, with its expected signature.
    const answer = await fake.deliver(started.webhookUrl, { d: { plain_token: "Arq0D5A61EgUu4OxUvOp", event_ts: "1725442341" }, op: 13 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      plain_token: "Arq0D5A61EgUu4OxUvOp",
      signature: "87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706",
    });
  });

  it("refuses a bad signature and a stale timestamp with 401, a malformed body with 400, and answers neither", async () => {
    fake = await startFakeQq();
    const started = await startQqGateway(fake, {}, { agent: builtin() });
    gateway = started.gateway;
    const payload = fake.events.c2c("/echo forged");
    const otherSecret = await startFakeQq({ appSecret: "not-the-bots-secret-at-all" });
    const forged = await otherSecret.deliver(started.webhookUrl, payload);
    await otherSecret.close();
    expect(forged.status).toBe(401);
    const tampered = await fake.deliver(started.webhookUrl, payload, { rawBody: JSON.stringify(payload).replace("forged", "tampered"), signature: "ab".repeat(64) });
    expect(tampered.status).toBe(401);
    const stale = await fake.deliver(started.webhookUrl, payload, { timestamp: String(Math.floor(Date.now() / 1000) - 3600) });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(started.webhookUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(unsigned.status).toBe(401);
    expect((await fake.deliver(started.webhookUrl, undefined, { rawBody: "{not json" })).status).toBe(400);
    expect((await fake.deliver(started.webhookUrl, undefined, { rawBody: JSON.stringify({ op: "zero" }) })).status).toBe(400);
    expect((await fake.deliver(started.webhookUrl, undefined, { rawBody: JSON.stringify({ op: 13, d: {} }) })).status).toBe(400);
    await gateway.pipeline.idle();
    await settle(200);
    expect(fake.sent).toHaveLength(0);
  });

  it("splits a 5,000-character answer into three replies to the one message, each with its own msg_seq", async () => {
    fake = await startFakeQq();
    const long = Array.from({ length: 50 }, (_, n) => `Line ${n} ${"x".repeat(92)}`).join("\n");
    expect(long.length).toBeGreaterThanOrEqual(5000);
    ({ gateway } = await startQqGateway(fake, {}, { agent: scriptedAgent(() => long).agent }));
    const chat = qqChat(gateway, fake);
    const { id } = await chat.send("tell me a lot");
    await eventually(() => fake!.sent.length === 3, 4000);
    await gateway.pipeline.idle();
    expect(fake.sent.map((record) => record.body.msg_id)).toEqual([id, id, id]);
    derivedSeqs(fake.sent);
    expect(fake.sent.every((record) => String(record.body.content).length <= 2000)).toBe(true);
    expect(fake.textsIn(`user:${fake.openids.user}`).join("\n").replace(/\s+/g, " ")).toBe(long.replace(/\s+/g, " "));
    expect(fake.refused).toHaveLength(0);
  });

  it("sends markdown as plain text, and as msg_type 2 with QQ_MARKDOWN=true", async () => {
    fake = await startFakeQq();
    ({ gateway } = await startQqGateway(fake, {}, { agent: scriptedAgent(() => "**bold** and `code`").agent }));
    await qqChat(gateway, fake).send("style?");
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(fake.sent[0]!.body).toMatchObject({ msg_type: 0, content: "bold and code" });
    await gateway.stop();
    ({ gateway } = await startQqGateway(fake, { QQ_MARKDOWN: "true" }, { agent: scriptedAgent(() => "**bold** and `code`").agent }));
    await qqChat(gateway, fake).send("style again?");
    await eventually(() => fake!.sent.length === 2, 4000);
    expect(fake.sent[1]!.body).toMatchObject({ msg_type: 2, markdown: { content: "**bold** and `code`" } });
  });

  it("fetches a new access token when the old one expires mid-conversation, and answers", async () => {
    fake = await startFakeQq();
    ({ gateway } = await startQqGateway(fake, {}, { agent: builtin() }));
    const chat = conversationOn(qqChat(gateway, fake));
    await chat.says("/echo before");
    await chat.expectAnswer("before");
    const tokensBefore = fake.tokenRequests.length;
    fake.expireTokens();
    await chat.says("/echo after");
    await chat.expectAnswer("after");
    expect(fake.tokenRequests.length).toBe(tokensBefore + 1);
    expect(fake.unauthorized.length).toBeGreaterThan(0);
  });

  it("asks an admin for approval as a typed /approve instruction, and runs on the typed answer", async () => {
    fake = await startFakeQq();
    const { agent, decisions } = fakeAgent(() => [ask({ toolName: "shell", summary: "ls", risk: "exec" }, (decision) => [say(decision.isApproved ? "ran" : "refused")])]);
    ({ gateway } = await startQqGateway(fake, { PINCER_ADMINS: `qq:${fake.openids.user}` }, { agent }));
    const chat = conversationOn(qqChat(gateway, fake));
    await chat.says("list the files");
    const prompt = await chat.expectAnswer(/shell/);
    const id = /\/approve (\S+)/.exec(prompt)?.[1];
    expect(prompt).toMatch(/Reply \/approve \S+ or \/deny \S+/);
    await chat.says(`/approve ${id}`);
    await chat.expectAnswer(/Approved/);
    await chat.expectAnswer("ran");
    expect(decisions.map((decision) => decision.isApproved)).toEqual([true]);
  });

  it("stops a slow answer on /stop, in order", async () => {
    fake = await startFakeQq();
    const { agent } = fakeAgent(() => [pause(5000), say("too late")]);
    ({ gateway } = await startQqGateway(fake, {}, { agent }));
    const chat = conversationOn(qqChat(gateway, fake));
    await chat.says("take your time");
    await settle(300);
    await chat.says("/stop");
    await chat.expectAnswer("Stopped.");
    await settle(500);
    expect(chat.answers()).not.toContain("too late");
  });

  it("shows the channel ready on /readyz once the token and the bot's identity were fetched, and an error when the secret is wrong", async () => {
    fake = await startFakeQq();
    ({ gateway } = await startQqGateway(fake, {}, { agent: builtin() }));
    const readyz = async () => (await (await fetch(`${gateway!.url}readyz`)).json()) as { channels: Record<string, { state: string }> };
    expect((await readyz()).channels["qq"]?.state).toBe("ready");
    await gateway.stop();
    ({ gateway } = await startQqGateway(fake, { QQ_APP_SECRET: "not-the-secret" }, { agent: builtin() }));
    expect((await readyz()).channels["qq"]?.state).toBe("error");
  });

  it("does not send a part twice, nor lose the next, when QQ took a reply but the answer to the call was lost", async () => {
    fake = await startFakeQq();
    const twoParts = [1, 2].map((n) => `Part ${n}. ${"word ".repeat(375)}`.trim()).join("\n\n");
    ({ gateway } = await startQqGateway(fake, {}, { agent: scriptedAgent((input) => (input.text === "two parts" ? twoParts : `short: ${input.text}`)).agent }));
    fake.loseResponses(1);
    const chat = qqChat(gateway, fake);
    const { id } = await chat.send("two parts");
    await eventually(() => fake!.sent.length === 2, 8000);
    await gateway.pipeline.idle();
    await settle(300);
    expect(fake.sent.map((record) => record.body.msg_id)).toEqual([id, id]);
    const [firstSeq] = derivedSeqs(fake.sent);
    expect(fake.textsIn(`user:${fake.openids.user}`).map((text) => text.slice(0, 7))).toEqual(["Part 1.", "Part 2."]);
    // The retry of the first part, refused by QQ as a repeated msg_id + msg_seq, counted as sent.
    expect(fake.refused.map((record) => [record.code, record.body.msg_seq])).toEqual([[40054005, firstSeq]]);
  });

  it("keeps the app secret and the access token out of the log, even when QQ refuses the secret", async () => {
    fake = await startFakeQq();
    const started = await startQqGateway(fake, { LOG_LEVEL: "debug" }, { agent: builtin() });
    gateway = started.gateway;
    const chat = conversationOn(qqChat(gateway, fake));
    await chat.says("/echo quiet");
    await chat.expectAnswer("quiet");
    await gateway.stop();
    const refused = await startQqGateway(fake, { LOG_LEVEL: "debug", QQ_APP_SECRET: "a-wrong-secret-for-the-log-test" }, { agent: builtin() });
    gateway = refused.gateway;
    const text = [...started.log.lines, ...refused.log.lines].join("\n");
    expect(text).not.toContain(fake.appSecret);
    expect(text).not.toContain("a-wrong-secret-for-the-log-test");
    expect(text).not.toContain("fake-access-token-");
  });

  it("becomes ready by itself once QQ's token endpoint answers again after a failed start", async () => {
    fake = await startFakeQq();
    fake.setTokenDown(true);
    ({ gateway } = await startQqGateway(fake, {}, { agent: builtin() }));
    const state = async () => ((await (await fetch(`${gateway!.url}readyz`)).json()) as { channels: Record<string, { state: string }> }).channels["qq"]?.state;
    expect(await state()).toBe("error");
    fake.setTokenDown(false);
    let current = await state();
    for (let tries = 0; current !== "ready" && tries < 100; tries += 1) {
      await settle(100);
      current = await state();
    }
    expect(current).toBe("ready");
  });
});
