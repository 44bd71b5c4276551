import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Env } from "../../core/config.ts";
import type { MediaPort } from "../../core/media.ts";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import type { Gateway, GatewayOptions } from "../../gateway/gateway.ts";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-api.ts";
import { nextTs, postSlackEvent, slackEvents } from "../fakes/slack-events.ts";
import { conversationOn, slackChat } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { fakeAgent, say, streamed } from "../support/fake-agent.ts";
import { startTestGateway } from "../support/web-chat-client.ts";

const signingSecret = "test-fake-signing-secret";
let gateway: Gateway | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await gateway?.stop();
  await slack?.close();
  gateway = undefined;
  slack = undefined;
});

async function startSlackGateway(env: Env = {}, options: GatewayOptions = {}) {
  slack = await startFakeSlack();
  const started = await startTestGateway(
    { SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl, PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention", ...env },
    { agent: createBuiltinAgent({ deltaDelayMs: 0 }), ...options },
  );
  gateway = started.gateway;
  const events = `${gateway.url}webhooks/slack/events`;
  return {
    gateway,
    slack,
    post: (body: unknown, options?: Parameters<typeof postSlackEvent>[3]) => postSlackEvent(events, signingSecret, body, options),
  };
}

/** An agent that streams its answer in two pieces with a pause between them, so the reply is edited. */
const { agent: slowAgent } = fakeAgent(() => streamed(["Hello", " there, **friend** & co."], 1300), { id: "slow" });

describe("Slack over the Events API, through the gateway", () => {
  it("answers the URL verification challenge and reports ready after auth.test", async () => {
    const { gateway, slack, post } = await startSlackGateway();
    const reply = await post({ token: "x", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    expect(reply).toEqual({ status: 200, text: JSON.stringify({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" }) });
    expect(slack.calls("auth.test")).toHaveLength(1);
    const ready = await fetch(`${gateway.url}readyz`);
    expect(ready.status).toBe(200);
  });

  it("streams one reply to a DM: one chat.postMessage, then chat.update edits, in the DM (no thread)", async () => {
    const { gateway, slack } = await startSlackGateway({}, { agent: slowAgent });
    const chat = conversationOn(slackChat(gateway, slack, signingSecret));
    await chat.says("hi there");
    await chat.expectAnswer(/friend/, 4000);
    await gateway.pipeline.idle();
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message).toMatchObject({ channel: "D00FAKEDM001", threadTs: undefined, text: "Hello there, *friend* &amp; co." });
    expect(message!.edits).toBeGreaterThan(0);
    expect(slack.calls("chat.postMessage")[0]!.token).toBe(slack.botToken);
  });

  it("knows people by their Slack display name (users.info once per person), not their user id", async () => {
    const senders: string[] = [];
    const { agent } = fakeAgent(
      (input) => {
        senders.push(input.sender.displayName);
        return [say("ok")];
      },
      { id: "names" },
    );
    const { gateway, slack, post } = await startSlackGateway({}, { agent });
    await post(slackEvents.im("first"));
    await eventually(() => senders.length === 1, 4000);
    await gateway.pipeline.idle();
    await post(slackEvents.im("second"));
    await eventually(() => senders.length === 2, 4000);
    expect(senders).toEqual(["Person U00FAKEUSER1", "Person U00FAKEUSER1"]);
    expect(slack.calls("users.info")).toHaveLength(1);
  });

  it("writes to a person in their Slack language (users.info with include_locale): the pairing message in Chinese for zh-CN", async () => {
    slack = await startFakeSlack();
    slack.setLocale("U00FAKEUSER1", "zh-CN");
    const started = await startTestGateway(
      { SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl, PINCER_DM_POLICY: "pairing" },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }) },
    );
    gateway = started.gateway;
    await postSlackEvent(`${gateway.url}webhooks/slack/events`, signingSecret, slackEvents.im("hello"));
    await eventually(() => slack!.messages.length === 1, 4000);
    expect(slack.messages[0]!.text).toMatch(/^我还不认识你。你的配对码是 \*[A-HJ-NP-Z2-9]{8}\*（60 分钟内有效）。/);
    expect(slack.calls("users.info")[0]!.params).toMatchObject({ user: "U00FAKEUSER1", include_locale: "true" });
  });

  it("answers a channel app_mention in the thread of the mention", async () => {
    const { gateway, slack, post } = await startSlackGateway();
    const ts = nextTs();
    expect((await post(slackEvents.appMention("<@U00FAKEBOT01> /echo in the thread", { ts }))).status).toBe(200);
    await eventually(() => slack.messages.length > 0);
    await gateway.pipeline.idle();
    expect(slack.messages).toEqual([expect.objectContaining({ channel: "C00FAKECHAN1", threadTs: ts, text: "in the thread" })]);
  });

  it("does not run for a channel message that does not mention the bot", async () => {
    const { gateway, slack, post } = await startSlackGateway();
    expect((await post(slackEvents.channelMessage("lunch anyone?"))).status).toBe(200);
    await gateway.pipeline.idle();
    expect((await post(slackEvents.channelMessage("<@U00FAKEBOT01> /echo now me"))).status).toBe(200);
    await eventually(() => slack.messages.length > 0);
    await gateway.pipeline.idle();
    expect(slack.messages.map((message) => message.text)).toEqual(["now me"]);
  });

  it("runs once when Slack retries the event (X-Slack-Retry-Num: 1), acknowledging both", async () => {
    const { gateway, slack, post } = await startSlackGateway();
    const event = slackEvents.im("/echo only once");
    expect((await post(event)).status).toBe(200);
    expect((await post(event, { retryNum: 1 })).status).toBe(200);
    await eventually(() => slack.messages.length > 0);
    await gateway.pipeline.idle();
    await sleep(100);
    expect(slack.messages.map((message) => message.text)).toEqual(["only once"]);
  });

  it("runs once for the message + app_mention twins of one channel message", async () => {
    const { gateway, slack, post } = await startSlackGateway();
    const ts = nextTs();
    const [first, second] = await Promise.all([
      post(slackEvents.channelMessage("<@U00FAKEBOT01> /echo twins", { ts })),
      post(slackEvents.appMention("<@U00FAKEBOT01> /echo twins", { ts })),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await eventually(() => slack.messages.length > 0);
    await gateway.pipeline.idle();
    await sleep(100);
    expect(slack.messages.map((message) => [message.text, message.threadTs])).toEqual([["twins", ts]]);
  });

  it("refuses a bad signature and a timestamp 6 minutes old with 401, and runs nothing", async () => {
    const { gateway, slack, post } = await startSlackGateway();
    const forged = await post(slackEvents.im("/echo forged"), { signature: `v0=${"0".repeat(64)}` });
    const stale = await post(slackEvents.im("/echo stale"), { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await fetch(`${gateway.url}webhooks/slack/events`, { method: "POST", body: JSON.stringify(slackEvents.im("/echo unsigned")) });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    await gateway.pipeline.idle();
    await sleep(100);
    expect(slack.messages).toHaveLength(0);
  });

  it("refuses an unsigned or stale 2 MB body with 401 from its headers, before reading it", async () => {
    const { gateway } = await startSlackGateway();
    const large = JSON.stringify({ type: "event_callback", padding: "x".repeat(2_000_000) });
    const unsigned = await fetch(`${gateway.url}webhooks/slack/events`, { method: "POST", body: large });
    const staleSec = String(Math.floor(Date.now() / 1000) - 6 * 60);
    const stale = await fetch(`${gateway.url}webhooks/slack/interactions`, {
      method: "POST",
      headers: { "x-slack-request-timestamp": staleSec, "x-slack-signature": `v0=${"0".repeat(64)}` },
      body: large,
    });
    expect([unsigned.status, stale.status]).toEqual([401, 401]);
  });

  it("answers 400 to a signed body that is not JSON or not an event, and 200 to event kinds it ignores", async () => {
    const { post } = await startSlackGateway();
    expect((await post({ type: "event_callback", event: "not an object" })).status).toBe(400);
    expect((await post({ type: "event_callback", event: { type: "message", channel: "D1", ts: "not a ts", user: "U1" } })).status).toBe(400);
    expect((await post({ type: "app_rate_limited", minute_rate_limited: 1 })).status).toBe(200);
    const edited = slackEvents.im("edited");
    expect((await post({ ...edited, event: { ...edited.event, subtype: "message_changed" } })).status).toBe(200);
    expect((await post({ ...edited, event: { type: "reaction_added", user: "U1", reaction: "+1" } })).status).toBe(200);
  });

  it("gives an audio clip and an image from url_private (with the bot token) to the agent as attachments", async () => {
    const fetched: { kind: string; media: FetchedMedia }[] = [];
    const media: MediaPort = {
      sttName: "fake-stt",
      ttsName: "none",
      async transcribe(audio) {
        fetched.push({ kind: "audio", media: audio });
        return { text: "clip words", durationSec: 1 };
      },
      async readText(image) {
        fetched.push({ kind: "image", media: image });
        return "IMAGE TEXT";
      },
      async prepareImage() {
        throw new Error("not used: the built-in agent takes no images");
      },
      async speak() {
        throw new Error("not used");
      },
      async close() {},
    };
    const { gateway, slack, post } = await startSlackGateway({}, { media });
    const audioBytes = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4]);
    const imageBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9, 9]);
    const clip = slack.addFile({ name: "audio_message.webm", mimetype: "audio/webm", subtype: "slack_audio", bytes: audioBytes });
    const image = slack.addFile({ name: "photo.png", mimetype: "image/png", bytes: imageBytes });
    expect((await post(slackEvents.im("", { files: [clip, image] }))).status).toBe(200);
    await eventually(() => slack.messages.length > 0, 4000);
    await gateway.pipeline.idle();
    expect(fetched.map((each) => [each.kind, [...each.media.bytes], each.media.mimeType])).toEqual([
      ["audio", [...audioBytes], "audio/webm"],
      ["image", [...imageBytes], "image/png"],
    ]);
    const text = slack.messages.map((message) => message.text).join("\n");
    expect(text).toContain('a voice note that says "clip words"');
    expect(text).toContain('an image that reads "IMAGE TEXT"');
    const downloads = slack.calls("file");
    expect(downloads).toHaveLength(2);
    expect(downloads.every((download) => download.token === slack.botToken)).toBe(true);
  });

  it("waits out a 429's Retry-After before posting the reply", async () => {
    const { gateway, slack, post } = await startSlackGateway();
    slack.rateLimit("chat.postMessage", 1);
    await post(slackEvents.im("/echo patience"));
    await eventually(() => slack.messages.length > 0, 4000);
    await gateway.pipeline.idle();
    const [limited, accepted] = slack.calls("chat.postMessage");
    expect(accepted!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(slack.messages.map((message) => message.text)).toEqual(["patience"]);
  });
});
