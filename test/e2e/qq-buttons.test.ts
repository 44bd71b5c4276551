import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeQq, type FakeQq } from "../fakes/qq.ts";
import { conversationOn, qqChat } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { ask, fakeAgent, say } from "../support/fake-agent.ts";
import { derivedSeqs, startQqGateway } from "../support/qq.ts";

let gateway: Gateway | undefined;
let fake: FakeQq | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

const keyboard = { QQ_MARKDOWN: "true", QQ_KEYBOARD: "true" };
const shellAsk = () => fakeAgent(() => [ask({ toolName: "shell", summary: "ls", risk: "exec" }, (decision) => [say(decision.isApproved ? "ran" : "refused")])]);
type QqButton = { render_data: { label: string }; action: { type: number; data: string; permission: { type: number } } };

describe("QQ approvals as message buttons (QQ_KEYBOARD=true)", () => {
  it("in a group: the request carries Approve / Deny callback buttons; a member's press is refused, the admin's runs the tool", async () => {
    fake = await startFakeQq();
    const { agent, decisions } = shellAsk();
    const started = await startQqGateway(fake, { ...keyboard, PINCER_ADMINS: `qq:${fake.openids.member}` }, { agent });
    gateway = started.gateway;
    const group = conversationOn(qqChat(gateway, fake, "group"));
    await group.says("list the files");
    await group.expectAnswer(/shell/);
    const request = fake.sent.find((sent) => sent.body.keyboard !== undefined)!;
    expect(request.body).toMatchObject({ msg_type: 2 });
    derivedSeqs([request]);
    expect(request.body.markdown.content).not.toMatch(/Reply \/approve/);
    const buttons = (request.body.keyboard.content.rows as { buttons: QqButton[] }[]).flatMap((row) => row.buttons);
    expect(buttons.map((button) => button.render_data.label)).toEqual(["Approve", "Deny"]);
    expect(buttons.every((button) => button.action.type === 1 && button.action.permission.type === 2)).toBe(true);
    const approve = buttons[0]!.action.data;
    expect(approve).toMatch(/^approve [a-z0-9]{4,6}$/);

    // Someone else in the group presses Approve: refused, answered to that press (event_id), nothing runs.
    const byOther = fake.events.buttonPress(approve, "group", "0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F");
    expect((await fake.deliver(started.webhookUrl, byOther)).status).toBe(200);
    await eventually(() => fake!.sent.some((sent) => sent.body.event_id === byOther.d.id), 4000);
    expect(fake.sent.find((sent) => sent.body.event_id === byOther.d.id)!.body.markdown.content).toMatch(/Only an admin can approve/);
    expect(fake.interactionAcks).toEqual([{ id: byOther.d.id, code: 0 }]);
    expect(decisions).toHaveLength(0);

    // The admin presses it (QQ pushes the press twice): approved once, the tool runs, the press is acknowledged.
    const byAdmin = fake.events.buttonPress(approve, "group");
    expect((await fake.deliver(started.webhookUrl, byAdmin)).status).toBe(200);
    expect((await fake.deliver(started.webhookUrl, byAdmin)).status).toBe(200);
    await eventually(() => fake!.textsIn(`group:${fake!.openids.group}`).includes("ran"), 5000);
    await gateway.pipeline.idle();
    expect(decisions.map((decision) => decision.isApproved)).toEqual([true]);
    // The press is now the group's latest message: what follows answers it, each reply with its own msg_seq.
    const answers = fake.sent.filter((sent) => sent.body.event_id === byAdmin.d.id);
    expect(answers.map((sent) => sent.body.markdown.content)).toEqual([expect.stringMatching(/Approved/), "ran"]);
    derivedSeqs(answers);
    expect(fake.interactionAcks.map((ack) => ack.id)).toContain(byAdmin.d.id);
    expect(fake.refused).toEqual([]);
  });

  it("in a C2C chat over the WebSocket gateway: asks for the INTERACTION intent, and a press of Deny refuses the tool", async () => {
    fake = await startFakeQq();
    const { agent, decisions } = shellAsk();
    ({ gateway } = await startQqGateway(fake, { ...keyboard, QQ_CONNECTION: "websocket", PINCER_ADMINS: `qq:${fake.openids.user}` }, { agent }));
    await eventually(() => fake!.identifies === 1, 5000);
    const identify = fake.gatewayFrames.find((frame) => frame.op === 2)!;
    expect(identify.d.intents & (1 << 26)).toBe(1 << 26);
    fake.dispatch(fake.events.c2c("list the files"));
    await eventually(() => fake!.sent.some((sent) => sent.body.keyboard !== undefined), 5000);
    const request = fake.sent.find((sent) => sent.body.keyboard !== undefined)!;
    const deny = (request.body.keyboard.content.rows[0].buttons as QqButton[]).find((button) => button.render_data.label === "Deny")!.action.data;
    const press = fake.events.buttonPress(deny, "c2c");
    fake.dispatch(press);
    await eventually(() => fake!.textsIn(`user:${fake!.openids.user}`).includes("refused"), 5000);
    expect(decisions.map((decision) => decision.isApproved)).toEqual([false]);
    expect(fake.interactionAcks).toEqual([{ id: press.d.id, code: 0 }]);
    expect(fake.refused).toEqual([]);
  });

  it("without QQ_KEYBOARD the request stays a typed instruction, and QQ_KEYBOARD without QQ_MARKDOWN is refused at start", async () => {
    fake = await startFakeQq();
    const { agent } = shellAsk();
    await expect(startQqGateway(fake, { QQ_KEYBOARD: "true" }, { agent })).rejects.toThrow(/QQ_KEYBOARD: needs QQ_MARKDOWN=true/);
    ({ gateway } = await startQqGateway(fake, { QQ_MARKDOWN: "true", PINCER_ADMINS: `qq:${fake.openids.user}` }, { agent }));
    const chat = conversationOn(qqChat(gateway, fake));
    await chat.says("list the files");
    await chat.expectAnswer(/Reply `\/approve \S+` or `\/deny \S+`/);
    expect(fake.sent.some((sent) => sent.body.keyboard !== undefined)).toBe(false);
  });
});
