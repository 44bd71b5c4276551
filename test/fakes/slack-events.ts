import { createHmac, randomUUID } from "node:crypto";

/** Builds Events API / interactivity bodies the way Slack sends them, and signs requests (v0). */

let sequence = 0;
/** A fresh Slack `ts` ("seconds.micro"), unique within the test run. */
export function nextTs(): string {
  sequence += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(100_000 + sequence).padStart(6, "0")}`;
}

export interface EventOptions {
  user?: string;
  channel?: string;
  ts?: string;
  threadTs?: string;
  files?: unknown[];
  botUserId?: string;
}

export function eventCallback(event: Record<string, unknown>, botUserId = "U00FAKEBOT01") {
  return {
    token: "xAbCdEfGhIjKlMnOpQrStUvW",
    team_id: "T00FAKE00AA",
    api_app_id: "A00FAKEAPP01",
    event: { ...event, event_ts: event.ts },
    type: "event_callback",
    event_id: `Ev${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: "T00FAKE00AA", user_id: botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

function messageEvent(type: "message" | "app_mention", text: string, options: EventOptions, channelType?: string) {
  return eventCallback(
    {
      type,
      user: options.user ?? "U00FAKEUSER1",
      text,
      ts: options.ts ?? nextTs(),
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      ...(options.files ? { files: options.files, subtype: "file_share", upload: false } : {}),
      channel: options.channel ?? (channelType === "im" ? "D00FAKEDM001" : "C00FAKECHAN1"),
      ...(channelType ? { channel_type: channelType } : {}),
    },
    options.botUserId,
  );
}

export const slackEvents = {
  im: (text: string, options: EventOptions = {}) => messageEvent("message", text, options, "im"),
  channelMessage: (text: string, options: EventOptions = {}) => messageEvent("message", text, options, "channel"),
  appMention: (text: string, options: EventOptions = {}) => messageEvent("app_mention", text, options),
  blockActions(value: string, options: { user?: string; channel?: string; messageTs?: string; threadTs?: string } = {}) {
    const channel = options.channel ?? "D00FAKEDM001";
    const actionTs = nextTs();
    return {
      type: "block_actions",
      user: { id: options.user ?? "U00FAKEUSER1", username: "testuser", name: "testuser", team_id: "T00FAKE00AA" },
      api_app_id: "A00FAKEAPP01",
      token: "xAbCdEfGhIjKlMnOpQrStUvW",
      container: { type: "message", message_ts: options.messageTs ?? actionTs, channel_id: channel, is_ephemeral: false, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
      trigger_id: `${Date.now()}.${randomUUID().replaceAll("-", "")}`,
      team: { id: "T00FAKE00AA", domain: "fake" },
      channel: { id: channel, name: channel.startsWith("D") ? "directmessage" : "general" },
      message: { type: "message", ts: options.messageTs ?? actionTs, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
      actions: [{ type: "button", block_id: "b1", action_id: value, value, text: { type: "plain_text", text: "Approve" }, action_ts: actionTs }],
      response_url: "https://hooks.slack.com/actions/T00FAKE00AA/1/fake",
    };
  },
};

/** `X-Slack-Signature` and `X-Slack-Request-Timestamp` for a raw body, as Slack computes them. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSec = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest("hex")}`;
  return { "x-slack-request-timestamp": String(timestampSec), "x-slack-signature": signature };
}

export interface PostOptions {
  timestampSec?: number;
  signature?: string;
  retryNum?: number;
}

/** Slack's side of the Events API: a signed JSON POST. */
export async function postSlackEvent(url: string, signingSecret: string, body: unknown, options: PostOptions = {}) {
  const raw = JSON.stringify(body);
  const signed = signSlackRequest(signingSecret, raw, options.timestampSec);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...signed,
      ...(options.signature ? { "x-slack-signature": options.signature } : {}),
      ...(options.retryNum ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" } : {}),
    },
    body: raw,
  });
  return { status: response.status, text: await response.text() };
}

/** Slack's side of interactivity: a signed form POST with `payload=<json>`. */
export async function postSlackInteraction(url: string, signingSecret: string, payload: unknown, options: PostOptions = {}) {
  const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...signSlackRequest(signingSecret, raw, options.timestampSec) },
    body: raw,
  });
  return { status: response.status, text: await response.text() };
}
