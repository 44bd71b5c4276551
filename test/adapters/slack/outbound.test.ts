import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../../adapters/slack/index.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import { startFakeSlack, type FakeSlack } from "../../fakes/slack-api.ts";
import { eventually } from "../../support/eventually.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";
import { silentLogger } from "../../support/recording-logger.ts";

const sink = { receive: async () => ({ isDuplicate: false }) };

let slack: FakeSlack | undefined;
let adapter: Adapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await slack?.close();
  adapter = slack = undefined;
});

async function started(options: { botToken?: string; maxMediaBytes?: number } = {}) {
  slack = await startFakeSlack();
  adapter = createSlackAdapter(
    { botToken: options.botToken ?? slack.botToken, appToken: undefined, signingSecret: "test-fake-signing-secret", apiUrl: slack.apiUrl },
    { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: options.maxMediaBytes ?? 1_000_000 },
    { apiRetries: 0 },
  );
  await adapter.start(sink, new AbortController().signal);
  return { slack, adapter };
}

const channelThread = { platform: "slack", chatId: "C00FAKECHAN1", kind: "group" as const, threadId: "1700000000.000100" };

describe("sending to Slack", () => {
  it("posts mrkdwn into the thread and edits it in place with chat.update", async () => {
    const { slack, adapter } = await started();
    expect(adapter.health()).toEqual({ state: "ready" });
    const sent = await adapter.send(channelThread, { type: "markdown", text: "**Hi** <you>" });
    expect(slack.messages[0]).toMatchObject({ channel: "C00FAKECHAN1", threadTs: "1700000000.000100", text: "*Hi* &lt;you&gt;" });
    await adapter.edit!(sent, { type: "markdown", text: "**Hi** there" });
    expect(slack.messages[0]).toMatchObject({ text: "*Hi* there", edits: 1 });
    expect(adapter.capabilities).toMatchObject({ maxTextLength: 3500, minEditIntervalMs: 1000, hasButtons: true, hasVoiceOut: false });
  });

  it("sends buttons as a section and an actions block whose action_id and value are the button id", async () => {
    const { slack, adapter } = await started();
    await adapter.send(channelThread, {
      type: "buttons",
      text: "Run `ls`?",
      buttons: [
        { id: "approve ab12c", label: "Approve", style: "primary" },
        { id: "deny ab12c", label: "Deny", style: "danger" },
      ],
    });
    expect(slack.messages[0]!.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "Run `ls`?" } },
      {
        type: "actions",
        elements: [
          { type: "button", text: { type: "plain_text", text: "Approve", emoji: true }, action_id: "approve ab12c", value: "approve ab12c", style: "primary" },
          { type: "button", text: { type: "plain_text", text: "Deny", emoji: true }, action_id: "deny ab12c", value: "deny ab12c", style: "danger" },
        ],
      },
    ]);
  });

  it("uploads a local file into the thread with the external upload flow", async () => {
    const { slack, adapter } = await started();
    const path = join(tempDataDir(), "chart.png");
    const bytes = Buffer.from("not really a png, but bytes");
    writeFileSync(path, bytes);
    const sent = await adapter.send(channelThread, { type: "image", media: { platform: "local", id: path, mimeType: "image/png" }, caption: "the **chart**" });
    expect(sent.messageId).toMatch(/^file:F/);
    const methods = slack.requests.map((request) => request.method).filter((method) => method !== "auth.test");
    expect(methods).toEqual(["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]);
    const file = slack.files.get(sent.messageId.slice("file:".length))!;
    expect(file).toMatchObject({ name: "chart.png", channel: "C00FAKECHAN1", threadTs: "1700000000.000100", initialComment: "the *chart*" });
    expect(Buffer.from(file.bytes).includes(bytes)).toBe(true);
  });

  it("turns a 429 into a rate-limited error carrying Retry-After, and an auth error into a final one", async () => {
    const { slack, adapter } = await started();
    slack.rateLimit("chat.postMessage", 7);
    await expect(adapter.send(channelThread, { type: "markdown", text: "hi" })).rejects.toMatchObject({ code: "rate-limited", retryAfterMs: 7000 });
    await expect(adapter.send({ ...channelThread, chatId: "" }, { type: "markdown", text: "hi" })).rejects.toMatchObject({ code: "bad-input" });
  });
});

describe("starting", () => {
  it("reports an error, without an unhandled rejection, when auth.test refuses the token", async () => {
    const { slack, adapter } = await started({ botToken: "xoxb-test-wrong-token" });
    expect(adapter.health()).toMatchObject({ state: "error" });
    expect(adapter.health().detail).toContain("invalid_auth");
    await sleep(100);
    expect(slack.calls("auth.test")).toHaveLength(1);
  });

  it("tries auth.test again when Slack failed to answer it, and becomes ready", async () => {
    slack = await startFakeSlack();
    slack.failNext("auth.test", 503);
    const fake = slack;
    const started = createSlackAdapter(
      { botToken: fake.botToken, appToken: undefined, signingSecret: "test-fake-signing-secret", apiUrl: fake.apiUrl },
      { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1000 },
      { apiRetries: 0, authRetryMs: 50 },
    );
    adapter = started;
    await started.start(sink, new AbortController().signal);
    expect(started.health()).toMatchObject({ state: "error" });
    await eventually(() => started.health().state === "ready");
    expect(fake.calls("auth.test")).toHaveLength(2);
  });
});

describe("downloading files people share", () => {
  it("fetches url_private with the bot token", async () => {
    const { slack, adapter } = await started();
    const file = slack.addFile({ name: "clip.webm", mimetype: "audio/webm", bytes: new Uint8Array([1, 2, 3]) });
    const fetched = await adapter.fetchMedia({ platform: "slack", id: file.id, url: file.url_private, mimeType: "audio/webm", sizeBytes: 3 });
    expect([...fetched.bytes]).toEqual([1, 2, 3]);
    expect(slack.calls("file")[0]!.token).toBe(slack.botToken);
  });

  it("asks files.info for the URL when the event had none", async () => {
    const { slack, adapter } = await started();
    const file = slack.addFile({ name: "a.txt", mimetype: "text/plain", bytes: new Uint8Array([65]) });
    const fetched = await adapter.fetchMedia({ platform: "slack", id: file.id });
    expect(fetched).toMatchObject({ mimeType: "text/plain", fileName: "a.txt" });
    expect(slack.calls("files.info")).toHaveLength(1);
  });

  it("refuses a file over MEDIA_MAX_BYTES before downloading it", async () => {
    const { slack, adapter } = await started({ maxMediaBytes: 10 });
    const file = slack.addFile({ name: "big.bin", mimetype: "application/octet-stream", bytes: new Uint8Array(11) });
    await expect(adapter.fetchMedia({ platform: "slack", id: file.id, url: file.url_private, sizeBytes: 11 })).rejects.toMatchObject({ code: "unsupported" });
    expect(slack.calls("file")).toHaveLength(0);
  });

  it("treats Slack's redirect to its login page as an error, not as the file", async () => {
    const { slack, adapter } = await started({ botToken: "xoxb-test-other-token" });
    const file = slack.addFile({ name: "x.png", mimetype: "image/png", bytes: new Uint8Array([1]) });
    await expect(adapter.fetchMedia({ platform: "slack", id: file.id, url: file.url_private })).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("never sends the bot token to a host that is not Slack's", async () => {
    const { slack, adapter } = await started();
    await expect(adapter.fetchMedia({ platform: "slack", id: "F1", url: "https://evil.example.com/steal" })).rejects.toMatchObject({ code: "bad-input" });
    expect(slack.calls("file")).toHaveLength(0);
  });
});
