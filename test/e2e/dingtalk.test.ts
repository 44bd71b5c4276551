import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "../../core/config.ts";
import { turnText } from "../../core/prompt-text.ts";
import type { Agent } from "../../core/types/agent.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { robotMessage, startDingtalkFake, type DingtalkFake } from "../fakes/dingtalk.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { toneWav } from "../media/audio/samples.ts";
import { conversationOn, dingtalkChat } from "../support/conversation.ts";
import { dingtalkCredentials, dingtalkEnv } from "../support/dingtalk.ts";
import { eventually } from "../support/eventually.ts";
import { ask, fakeAgent, pause, say } from "../support/fake-agent.ts";
import { scriptedAgent } from "../support/feishu.ts";
import { ownerAuth, startTestGateway } from "../support/web-chat-client.ts";

let fake: DingtalkFake | undefined;
let gateway: Gateway | undefined;
let openai: FakeOpenAI | undefined;

afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  await openai?.close();
  gateway = undefined;
  fake = undefined;
  openai = undefined;
});

async function start(agent: Agent, env: Env = {}, fakeOptions: { tokenExpireSec?: number } = {}) {
  fake = await startDingtalkFake({ ...dingtalkCredentials, ...fakeOptions });
  const started = await startTestGateway(dingtalkEnv(fake.origin, env), { agent });
  gateway = started.gateway;
  return { fake, gateway, log: started.log };
}

async function readyz() {
  const response = await fetch(`${gateway!.url}readyz`, { headers: ownerAuth(gateway!) });
  return { status: response.status, body: (await response.json()) as { channels: Record<string, { state: string; detail?: string }> } };
}

async function waitReady(timeoutMs = 4000) {
  const deadline = Date.now() + timeoutMs;
  while ((await readyz()).status !== 200) {
    if (Date.now() > deadline) throw new Error("the dingtalk channel did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const textsIn = (chatId: string) => fake!.messages.filter((message) => message.chatId === chatId).map((message) => message.text);

describe("DingTalk robot in Stream mode, through the real gateway", () => {
  it("answers a 1:1 text once through the session webhook, acknowledging the frame after the inbox took it", async () => {
    const { agent, inputs } = scriptedAgent(() => ["Hello from Pincer."]);
    const { log } = await start(agent);
    expect((await readyz()).body.channels.dingtalk).toEqual({ state: "ready" });
    const chat = conversationOn(dingtalkChat(gateway!, fake!));
    const { id } = await chat.says("hello bot");
    await chat.expectAnswer("Hello from Pincer.");
    await chat.expectNoAnswer();
    expect(inputs[0]?.text).toBe("hello bot");
    expect(inputs[0]?.conversation).toMatchObject({ platform: "dingtalk", chatId: "manager4520", kind: "direct" });
    expect(fake!.acks.map((ack) => ack.messageId)).toContain(id);
    expect(fake!.messages.map((message) => message.via)).toEqual(["session"]);
    // The stream was opened with the robot topic and the credentials; the secret never reached the log.
    expect(fake!.calls.find((call) => call.path === "/v1.0/gateway/connections/open")?.body).toMatchObject({
      clientId: dingtalkCredentials.clientId,
      subscriptions: [{ type: "CALLBACK", topic: "/v1.0/im/bot/messages/get" }],
    });
    expect(log.lines.join("\n")).not.toContain(dingtalkCredentials.clientSecret);
  });

  it("keeps order: a message sent during a run is answered after it, in the same chat", async () => {
    const { agent, inputs } = scriptedAgent((input) => [`answer to ${input.text}`], { delayMs: 300 });
    await start(agent);
    const chat = conversationOn(dingtalkChat(gateway!, fake!));
    await chat.says("first");
    await eventually(() => inputs.length === 1, 4000);
    await chat.says("second");
    await chat.expectAnswer("answer to first");
    await chat.expectAnswer("answer to second");
    await chat.expectNoAnswer();
  });

  it("runs nothing for a group message that does not @mention the robot, and answers one that does", async () => {
    const { agent, inputs } = scriptedAgent((input) => [`group got: ${input.text}`]);
    await start(agent);
    const group = "cidFakeGroup0001==";
    const quiet = fake!.pushMessage(robotMessage(fake!, { msgId: "grp-quiet", conversationType: "2", conversationId: group, isInAtList: false, text: { content: "chatting among us" } }));
    await fake!.waitFor(() => fake!.acks.some((ack) => ack.messageId === quiet));
    await gateway!.pipeline.idle();
    expect(inputs).toHaveLength(0);
    fake!.pushMessage(robotMessage(fake!, { msgId: "grp-at", conversationType: "2", conversationId: group, isInAtList: true, text: { content: " what is up" } }));
    await fake!.waitFor(() => textsIn(group).length === 1);
    expect(textsIn(group)).toEqual(["group got: what is up"]);
    expect(inputs[0]?.conversation).toMatchObject({ chatId: group, kind: "group" });
  });

  it("answers a redelivered callback (same msgId, new frame) once, acknowledging both frames", async () => {
    const { agent, inputs } = scriptedAgent(() => ["only once"]);
    await start(agent);
    const message = robotMessage(fake!, { msgId: "dup-1", text: { content: "are you there" } });
    const first = fake!.pushMessage(message);
    const second = fake!.pushMessage(message);
    await fake!.waitFor(() => [first, second].every((id) => fake!.acks.some((ack) => ack.messageId === id)));
    await fake!.waitFor(() => fake!.messages.length === 1);
    await gateway!.pipeline.idle();
    expect(inputs).toHaveLength(1);
    expect(fake!.messages).toHaveLength(1);
  });

  it("gives the agent DingTalk's recognition text of a voice message as the prompt, without downloading it", async () => {
    const { agent, inputs } = scriptedAgent(() => ["Heard you."]);
    await start(agent);
    fake!.pushMessage(robotMessage(fake!, { msgId: "voice-1", msgtype: "audio", text: undefined, content: { duration: 3000, downloadCode: "dc-voice-1", recognition: "明天上午十点开会" } }));
    await fake!.waitFor(() => fake!.messages.length === 1);
    expect(inputs[0]?.attachments).toEqual([expect.objectContaining({ type: "audio", isVoiceNote: true, transcript: "明天上午十点开会" })]);
    expect(turnText(inputs[0]!)).toBe("[voice message, transcript] 明天上午十点开会");
    expect(fake!.calls.some((call) => call.path === "/v1.0/robot/messageFiles/download")).toBe(false);
  });

  it("downloads a voice message without recognition text and transcribes it with the configured STT", async () => {
    openai = await startFakeOpenAI();
    openai.scriptTranscriptions({ type: "text", text: "turn on the lights" });
    const { agent, inputs } = scriptedAgent(() => ["OK."]);
    await start(agent, { STT_PROVIDER: "openai", STT_BASE_URL: openai.url, STT_API_KEY: "sk-test-fake-stt", STT_MODEL: "whisper-1" });
    fake!.hostFile("dc-voice-2", toneWav(1.5, 16_000), "application/octet-stream");
    fake!.pushMessage(robotMessage(fake!, { msgId: "voice-2", msgtype: "audio", text: undefined, content: { duration: 1500, downloadCode: "dc-voice-2" } }));
    await fake!.waitFor(() => fake!.messages.length === 1, 15_000);
    expect(inputs[0]?.attachments[0]).toMatchObject({ type: "audio", isVoiceNote: true, transcript: "turn on the lights" });
    expect(fake!.calls.find((call) => call.path === "/v1.0/robot/messageFiles/download")?.body).toEqual({ downloadCode: "dc-voice-2", robotCode: dingtalkCredentials.clientId });
    expect(openai.requests.some((request) => request.endpoint === "transcriptions")).toBe(true);
  }, 30_000);

  it("hands a picture's bytes to an agent that sees", async () => {
    const { agent, inputs } = scriptedAgent(() => ["Nice picture."], { acceptsImages: true });
    await start(agent);
    const sharp = (await import("sharp")).default;
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#20c050" } }).png().toBuffer();
    fake!.hostFile("dc-picture-1", new Uint8Array(png));
    fake!.pushMessage(robotMessage(fake!, { msgId: "pic-1", msgtype: "picture", text: undefined, content: { downloadCode: "dc-picture-1", pictureDownloadCode: "pdc-picture-1" } }));
    await fake!.waitFor(() => fake!.messages.length === 1, 15_000);
    expect(inputs[0]?.attachments[0]).toMatchObject({ type: "image", media: { platform: "dingtalk", id: "dc-picture-1" } });
    expect(inputs[0]?.images).toHaveLength(1);
  }, 30_000);

  it("refuses a picture over MEDIA_MAX_BYTES politely, stopping the download past the limit", async () => {
    const { agent, inputs } = scriptedAgent(() => ["got it"], { acceptsImages: true });
    await start(agent, { MEDIA_MAX_BYTES: "1000" });
    fake!.hostFile("dc-big", new Uint8Array(5000).fill(7), "image/png");
    fake!.pushMessage(robotMessage(fake!, { msgId: "pic-big", msgtype: "picture", text: undefined, content: { downloadCode: "dc-big" } }));
    await fake!.waitFor(() => fake!.messages.some((message) => message.text.includes("too big")), 8000);
    await gateway!.pipeline.idle();
    expect(inputs.flatMap((input) => input.images ?? [])).toHaveLength(0);
  });

  it("streams an answer into one AI card: created once, updated while it grows, finalised with the whole text", async () => {
    const { agent } = scriptedAgent(() => ["The answer ", "comes ", "in ", "several ", "pieces."], { delayMs: 300 });
    await start(agent, { DINGTALK_CARD_TEMPLATE_ID: "fake-template.schema" });
    fake!.pushMessage(robotMessage(fake!, { msgId: "card-1", text: { content: "tell me" } }));
    await fake!.waitFor(() => fake!.calls.some((call) => call.path === "/v1.0/card/streaming" && call.body.isFinalize === true), 8000);
    const created = fake!.calls.filter((call) => call.path === "/v1.0/card/instances/createAndDeliver");
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toMatchObject({ cardTemplateId: "fake-template.schema", openSpaceId: "dtv1.card//IM_ROBOT.manager4520", callbackType: "STREAM" });
    const updates = fake!.cardUpdates(String(created[0]?.body.outTrackId));
    const whileStreaming = updates.filter((update) => !update.isFinalize);
    expect(whileStreaming.length).toBeGreaterThanOrEqual(2);
    for (const [index, update] of whileStreaming.slice(1).entries()) expect(update.content.startsWith(whileStreaming[index]!.content)).toBe(true);
    expect(updates.filter((update) => update.isFinalize)).toEqual([{ content: "The answer comes in several pieces.", isFinalize: true }]);
    expect(fake!.messages.map((message) => message.via)).toEqual(["card"]);
  });

  it("keeps one card when a streaming update is throttled: the update is retried and the card still ends with the whole text", async () => {
    const { agent } = scriptedAgent(() => ["First part, ", "second part, ", "last part."], { delayMs: 300 });
    await start(agent, { DINGTALK_CARD_TEMPLATE_ID: "fake-template.schema" });
    fake!.failNext("/v1.0/card/streaming", 429, { code: "Throttling.Api", message: "throttled" });
    fake!.pushMessage(robotMessage(fake!, { msgId: "card-throttled", text: { content: "tell me" } }));
    await fake!.waitFor(() => fake!.calls.some((call) => call.path === "/v1.0/card/streaming" && call.body.isFinalize === true && call.status === 200), 10_000);
    expect(fake!.calls.filter((call) => call.path === "/v1.0/card/instances/createAndDeliver")).toHaveLength(1);
    expect(fake!.calls.some((call) => call.path === "/v1.0/card/streaming" && call.status === 429)).toBe(true);
    expect(fake!.messages).toEqual([expect.objectContaining({ via: "card", text: "First part, second part, last part." })]);
  });

  it("without a card template sends the answer as one markdown message when it is done", async () => {
    const { agent } = scriptedAgent(() => ["The answer ", "comes ", "in pieces."], { delayMs: 200 });
    await start(agent);
    fake!.pushMessage(robotMessage(fake!, { msgId: "md-1", text: { content: "tell me" } }));
    await fake!.waitFor(() => fake!.messages.length === 1, 8000);
    await gateway!.pipeline.idle();
    expect(fake!.messages).toEqual([expect.objectContaining({ via: "session", text: "The answer comes in pieces." })]);
    expect(fake!.calls.some((call) => call.path.startsWith("/v1.0/card/"))).toBe(false);
  });

  it("resolves a shell approval when the card's approve button is clicked", async () => {
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
    await start(agent, { DINGTALK_CARD_TEMPLATE_ID: "fake-template.schema", PINCER_ADMINS: "dingtalk:manager4520" });
    expect(fake!.calls.find((call) => call.path === "/v1.0/gateway/connections/open")?.body.subscriptions).toContainEqual({ type: "CALLBACK", topic: "/v1.0/card/instances/callback" });
    fake!.pushMessage(robotMessage(fake!, { msgId: "approve-1", text: { content: "clean up" } }));
    await fake!.waitFor(() => fake!.calls.some((call) => call.path === "/v1.0/card/instances/createAndDeliver" && "button1Command" in ((call.body.cardData as { cardParamMap: object }).cardParamMap)));
    const card = fake!.calls.find((call) => call.path === "/v1.0/card/instances/createAndDeliver" && "button1Command" in ((call.body.cardData as { cardParamMap: object }).cardParamMap))!;
    const params = (card.body.cardData as { cardParamMap: Record<string, string> }).cardParamMap;
    const approve = [params.button1Command, params.button2Command].find((command) => command?.startsWith("approve "))!;
    expect(approve).toMatch(/^approve [a-z0-9]{4,6}$/);
    const click = fake!.pushCardCallback({
      extension: "{}", corpId: "dingfakecorp", userIdType: 1, type: "actionCallback", userId: "manager4520", outTrackId: card.body.outTrackId,
      content: JSON.stringify({ cardPrivateData: { actionIds: ["approve_button"], params: { command: approve } } }),
      value: JSON.stringify({ cardPrivateData: { actionIds: ["approve_button"], params: { command: approve } } }),
    });
    await eventually(() => decisions.length === 1, 4000);
    expect(decisions).toEqual([true]);
    await fake!.waitFor(() => fake!.acks.some((ack) => ack.messageId === click));
    await fake!.waitFor(() => fake!.messages.some((message) => message.text === "Done."), 4000);
  });

  it("without cards asks for a typed /approve, and the typed command resolves the shell request", async () => {
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
    await start(agent, { PINCER_ADMINS: "dingtalk:manager4520" });
    const chat = conversationOn(dingtalkChat(gateway!, fake!));
    await chat.says("clean up");
    const request = await chat.expectAnswer(/\/approve [a-z0-9]{4,6}`? or `?\/deny/);
    const id = /\/approve ([a-z0-9]{4,6})/.exec(request)![1]!;
    await chat.says(`/approve ${id}`);
    await eventually(() => decisions.length === 1, 4000);
    expect(decisions).toEqual([true]);
    await fake!.waitFor(() => fake!.messages.some((message) => message.text === "Done."), 4000);
    expect(fake!.calls.some((call) => call.path.startsWith("/v1.0/card/"))).toBe(false);
  });

  it("answers through the robot OpenAPI once the session webhook expired (batchSend 1:1, groupMessages/send in a group)", async () => {
    const { agent } = scriptedAgent(() => ["late answer"]);
    await start(agent);
    const expired = Date.now() - 1000;
    fake!.pushMessage(robotMessage(fake!, { msgId: "old-dm", sessionWebhookExpiredTime: expired }));
    fake!.pushMessage(robotMessage(fake!, { msgId: "old-grp", conversationType: "2", isInAtList: true, sessionWebhookExpiredTime: expired }));
    await fake!.waitFor(() => fake!.messages.length === 2, 8000);
    const batch = fake!.calls.find((call) => call.path === "/v1.0/robot/oToMessages/batchSend")!;
    expect(batch.token).toBe(fake!.tokens[0]);
    expect(batch.body).toMatchObject({ robotCode: dingtalkCredentials.clientId, userIds: ["manager4520"], msgKey: "sampleMarkdown" });
    expect(JSON.parse(String(batch.body.msgParam))).toMatchObject({ text: "late answer" });
    expect(fake!.calls.find((call) => call.path === "/v1.0/robot/groupMessages/send")?.body).toMatchObject({ openConversationId: "cidFakeGroup0001==", msgKey: "sampleMarkdown" });
    expect(fake!.messages.map((message) => message.via).sort()).toEqual(["batchSend", "groupSend"]);
  });

  it("answers pings, and reconnects with a new ticket after a dropped socket and after a disconnect notice", async () => {
    const { agent } = scriptedAgent(() => ["pong"]);
    await start(agent);
    fake!.ping();
    await fake!.waitFor(() => fake!.pingAnswers.length === 1);
    expect(fake!.pingAnswers[0]).toMatchObject({ code: 200, headers: { topic: "ping" } });

    fake!.dropConnections();
    await fake!.waitFor(() => fake!.openedCount === 2 && fake!.socketCount === 1, 6000);
    await waitReady();
    fake!.pushMessage(robotMessage(fake!, { msgId: "after-drop", text: { content: "still there?" } }));
    await fake!.waitFor(() => fake!.messages.length === 1, 4000);

    fake!.sendDisconnect();
    // The new connection opens at once; the announced one stays open a while for acknowledgements.
    await fake!.waitFor(() => fake!.openedCount === 3 && fake!.socketCount === 2, 6000);
    fake!.pushMessage(robotMessage(fake!, { msgId: "after-disconnect", text: { content: "and now?" } }));
    await fake!.waitFor(() => fake!.messages.length === 2, 4000);
    expect(fake!.messages.map((message) => message.text)).toEqual(["pong", "pong"]);
  });

  it("fetches a new access token once DingTalk refuses the cached one, and the send goes through", async () => {
    const { agent } = scriptedAgent(() => ["fresh token"]);
    await start(agent);
    fake!.pushMessage(robotMessage(fake!, { msgId: "tok-1", sessionWebhookExpiredTime: Date.now() - 1000 }));
    await fake!.waitFor(() => fake!.messages.length === 1, 4000);
    expect(fake!.tokens).toHaveLength(1);
    fake!.expireTokens();
    fake!.pushMessage(robotMessage(fake!, { msgId: "tok-2", sessionWebhookExpiredTime: Date.now() - 1000 }));
    await fake!.waitFor(() => fake!.messages.length === 2, 4000);
    expect(fake!.tokens).toHaveLength(2);
    const sends = fake!.calls.filter((call) => call.path === "/v1.0/robot/oToMessages/batchSend");
    expect(sends.map((call) => [call.token, call.status])).toEqual([
      ["fake-token-1", 200],
      ["fake-token-1", 401],
      ["fake-token-2", 200],
    ]);
  });

  it("retries a throttled send (429) later through the outbox, and the answer arrives once", async () => {
    const { agent } = scriptedAgent(() => ["after throttling"]);
    await start(agent);
    fake!.failNext("/v1.0/robot/oToMessages/batchSend", 429, { code: "Throttling.Api", message: "the api has been throttled" });
    fake!.pushMessage(robotMessage(fake!, { msgId: "throttle-1", sessionWebhookExpiredTime: Date.now() - 1000 }));
    await fake!.waitFor(() => fake!.messages.length === 1, 10_000);
    const sends = fake!.calls.filter((call) => call.path === "/v1.0/robot/oToMessages/batchSend");
    expect(sends.map((call) => call.status)).toEqual([429, 200]);
    await gateway!.pipeline.idle();
    expect(fake!.messages).toHaveLength(1);
  });

  it("shows wrong credentials as a channel error naming the variables, without a crash", async () => {
    fake = await startDingtalkFake(dingtalkCredentials);
    const started = await startTestGateway(dingtalkEnv(fake.origin, { DINGTALK_CLIENT_SECRET: "wrong-secret-also-fake" }), { agent: scriptedAgent(() => ["never"]).agent });
    gateway = started.gateway;
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.channels.dingtalk?.state).toBe("error");
    expect(body.channels.dingtalk?.detail).toMatch(/DINGTALK_CLIENT_SECRET/);
    expect(JSON.stringify(body)).not.toContain("wrong-secret-also-fake");
    expect((await fetch(`${gateway.url}healthz`)).status).toBe(200);
  });

  it("/stop ends a slow run at once", async () => {
    const { agent } = fakeAgent(() => [say("thinking…"), pause(10_000), say("too late")], { id: "slow" });
    await start(agent);
    fake!.pushMessage(robotMessage(fake!, { msgId: "slow-1", text: { content: "think hard" } }));
    await eventually(() => fake!.acks.length === 1, 4000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    fake!.pushMessage(robotMessage(fake!, { msgId: "stop-1", text: { content: "/stop" } }));
    await fake!.waitFor(() => fake!.messages.length >= 1, 4000);
    await gateway!.pipeline.idle();
    expect(fake!.messages.map((message) => message.text).join("\n")).not.toContain("too late");
  });
});
