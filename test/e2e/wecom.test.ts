import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import { turnText } from "../../core/prompt-text.ts";
import type { Agent } from "../../core/types/agent.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startWecomAibotFake, type WecomAibotFake } from "../fakes/wecom-aibot.ts";
import { eventually } from "../support/eventually.ts";
import { ask, fakeAgent, pause, say } from "../support/fake-agent.ts";
import { ownerAuth, startTestGateway } from "../support/web-chat-client.ts";

const credentials = { botId: "fake-bot-id", secret: "fake-bot-secret-not-real" };

/** An agent that answers in several slow pieces, so the answer streams, and keeps what it was given. */
function scriptedAgent(pieces: readonly string[], delayMs = 250) {
  return fakeAgent(() => pieces.flatMap((piece) => [pause(delayMs), say(piece)]), { id: "scripted" });
}

const text = (msgid: string, content: string, group?: string) => ({
  msgid,
  aibotid: credentials.botId,
  ...(group ? { chatid: group, chattype: "group" } : { chattype: "single" }),
  from: { userid: "zhangsan" },
  response_url: "RESPONSEURL",
  msgtype: "text",
  text: { content },
});

let fake: WecomAibotFake;
let gateway: Gateway | undefined;

beforeEach(async () => {
  fake = await startWecomAibotFake(credentials);
});
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await fake.close();
});

async function start(agent: Agent, env: Record<string, string> = {}, secret = credentials.secret) {
  const started = await startTestGateway(
    { WECOM_BOT_ID: credentials.botId, WECOM_BOT_SECRET: secret, WECOM_WS_URL: fake.wsUrl, PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention", ...env },
    { agent },
  );
  gateway = started.gateway;
  return started;
}

async function readyz() {
  const response = await fetch(`${gateway!.url}readyz`, { headers: ownerAuth(gateway!) });
  return { status: response.status, body: (await response.json()) as { channels: Record<string, { state: string; detail?: string }> } };
}

/** Waits for the stream on `reqId` to finish; returns its frames. */
async function finishedStream(reqId: string) {
  await fake.waitFor(() => fake.streams(reqId).some((frame) => frame.finish), 4500);
  return fake.streams(reqId);
}

describe("WeCom AI bot through the real gateway and SDK", () => {
  it("streams the answer to a direct message on its req_id, finishing with the agent's whole text", async () => {
    const { agent, inputs } = scriptedAgent(["The answer ", "comes ", "in ", "pieces."]);
    await start(agent);
    expect((await readyz()).body.channels.wecom).toEqual({ state: "ready" });

    const reqId = fake.pushMessage(text("dm-1", "hello bot"));
    const frames = await finishedStream(reqId);
    expect(inputs[0]?.text).toBe("hello bot");
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(new Set(frames.map((frame) => frame.id)).size).toBe(1);
    expect(frames.filter((frame) => frame.finish)).toHaveLength(1);
    expect(frames.at(-1)).toMatchObject({ finish: true, content: "The answer comes in pieces." });
    // Each frame shows the text so far.
    for (const [index, frame] of frames.slice(1).entries()) expect(frame.content.startsWith(frames[index]!.content)).toBe(true);
  });

  it("answers a group @mention with the mention left out of the prompt", async () => {
    const { agent, inputs } = scriptedAgent(["Group ", "answer."]);
    await start(agent);
    const reqId = fake.pushMessage(text("grp-1", "@PincerBot what is up", "wrkSFfCgAAxxxx"));
    const frames = await finishedStream(reqId);
    expect(inputs[0]?.text).toBe("what is up");
    expect(inputs[0]?.conversation).toMatchObject({ platform: "wecom", chatId: "wrkSFfCgAAxxxx", kind: "group" });
    expect(frames.at(-1)).toMatchObject({ finish: true, content: "Group answer." });
  });

  it("gives the agent WeCom's voice transcript as the words of the turn", async () => {
    const { agent, inputs } = scriptedAgent(["Heard you."], 50);
    await start(agent);
    const reqId = fake.pushMessage({
      msgid: "voice-1", aibotid: credentials.botId, chattype: "single", from: { userid: "zhangsan" }, msgtype: "voice", voice: { content: "明天上午十点开会" },
    });
    await finishedStream(reqId);
    expect(inputs[0]?.attachments).toEqual([expect.objectContaining({ type: "audio", isVoiceNote: true, transcript: "明天上午十点开会" })]);
    expect(turnText(inputs[0]!)).toBe("[voice message, transcript] 明天上午十点开会");
  });

  it("the built-in agent answers a voice note with what it said", async () => {
    await start(createBuiltinAgent({ deltaDelayMs: 0 }));
    const reqId = fake.pushMessage({
      msgid: "voice-2", aibotid: credentials.botId, chattype: "single", from: { userid: "zhangsan" }, msgtype: "voice", voice: { content: "turn on the lights" },
    });
    const frames = await finishedStream(reqId);
    expect(frames.at(-1)?.content).toContain('a voice note that says "turn on the lights"');
  });

  it("reconnects after the connection drops and answers the next message", async () => {
    const { agent } = scriptedAgent(["pong"], 10);
    const { log } = await start(agent);
    fake.dropConnections();
    await eventually(() => fake.logins.filter((login) => login.isAccepted).length === 2 && fake.authenticatedCount === 1, 4000);
    await eventually(() => fake.authenticatedCount === 1, 2000);
    expect((await readyz()).body.channels.wecom).toEqual({ state: "ready" });
    const reqId = fake.pushMessage(text("dm-after-drop", "still there?"));
    const frames = await finishedStream(reqId);
    expect(frames.at(-1)).toMatchObject({ finish: true, content: "pong" });
    expect(log.lines.join("\n")).not.toMatch(/fake-bot-secret-not-real/);
  });

  it("a click on the approval card's button resolves the pending approval", async () => {
    const decisions: boolean[] = [];
    const { agent } = fakeAgent(
      () => [
        ask({ toolName: "shell", summary: "rm -rf /tmp/pincer-test", risk: "exec" }, (decision) => {
          decisions.push(decision.isApproved);
          return [say(decision.isApproved ? "Done." : "Not done.")];
        }),
      ],
      { id: "asks" },
    );
    await start(agent, { PINCER_ADMINS: "wecom:zhangsan" });
    const reqId = fake.pushMessage(text("dm-approve", "clean up"));
    await fake.waitFor(() => fake.pushes().some((body) => body.msgtype === "template_card"));
    const card = fake.pushes().find((body) => body.msgtype === "template_card") as { template_card: { button_list: { key: string }[]; task_id: string } };
    const approve = card.template_card.button_list.find((button) => button.key.startsWith("approve "))!;
    expect(approve.key).toMatch(/^approve [a-z0-9]{4,6}$/);
    fake.pushEvent({
      msgid: "click-1", create_time: Math.floor(Date.now() / 1000), aibotid: credentials.botId, chattype: "single",
      from: { corpid: "wpfake", userid: "zhangsan" }, msgtype: "event",
      event: { eventtype: "template_card_event", template_card_event: { card_type: "button_interaction", event_key: approve.key, task_id: card.template_card.task_id } },
    });
    await eventually(() => decisions.length === 1, 4000);
    expect(decisions).toEqual([true]);
    // The card was pushed to the chat, so the message's req_id still carries the answer.
    expect((await finishedStream(reqId)).at(-1)).toMatchObject({ finish: true, content: "Done." });
  });

  it("a wrong secret shows as a channel error with the reason, without a crash", async () => {
    const { agent } = scriptedAgent(["never"]);
    await start(agent, {}, "wrong-secret-also-fake");
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.channels.wecom?.state).toBe("error");
    expect(body.channels.wecom?.detail).toMatch(/WECOM_BOT_SECRET/);
    expect(fake.logins[0]).toEqual({ botId: credentials.botId, isAccepted: false });
    const healthz = await fetch(`${gateway!.url}healthz`);
    expect(healthz.status).toBe(200);
  });
});
