import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-api.ts";
import { nextTs, postSlackEvent, postSlackInteraction, slackEvents } from "../fakes/slack-events.ts";
import { eventually } from "../support/eventually.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

const signingSecret = "test-fake-signing-secret";
let gateway: Gateway | undefined;
let slack: FakeSlack | undefined;
let model: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await slack?.close();
  await model?.close();
  gateway = slack = model = undefined;
});

interface ButtonBlock {
  type: string;
  elements?: { action_id: string; value: string; style?: string; text: { text: string } }[];
}

describe("approvals in Slack, through interactivity", () => {
  it("posts the request as Block Kit buttons in the thread, and a click on Approve resolves it", async () => {
    slack = await startFakeSlack();
    model = await startFakeOpenAI();
    const workspaceDir = join(tempDataDir(), "workspace");
    ({ gateway } = await startTestGateway({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PINCER_ADMINS: "slack:U00FAKEUSER1",
      PINCER_ALLOW_GROUPS: "slack:C00FAKECHAN1",
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "sk-test-fake-key-0000",
      OPENAI_MODEL: "gpt-4o-mini",
      WORKSPACE_DIR: workspaceDir,
    }));
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo slack-approved > proof.txt" } }] },
      { type: "text", text: "Done: proof.txt written." },
    );
    const fake = slack;
    const ts = nextTs();
    const mention = await postSlackEvent(`${gateway.url}webhooks/slack/events`, signingSecret, slackEvents.appMention("<@U00FAKEBOT01> write a proof file", { ts }));
    expect(mention.status).toBe(200);

    await eventually(() => fake.messages.some((message) => message.blocks !== undefined), 4000);
    const request = fake.messages.find((message) => message.blocks !== undefined)!;
    expect(request).toMatchObject({ channel: "C00FAKECHAN1", threadTs: ts });
    expect(request.text).toContain("echo slack-approved &gt; proof.txt");
    const actions = (request.blocks as ButtonBlock[]).find((block) => block.type === "actions")!;
    const approve = actions.elements!.find((element) => element.text.text === "Approve")!;
    expect(approve).toMatchObject({ style: "primary" });
    expect(approve.value).toMatch(/^approve [a-z0-9]{4,6}$/);
    expect(existsSync(join(workspaceDir, "proof.txt"))).toBe(false);

    const click = slackEvents.blockActions(approve.value, { channel: "C00FAKECHAN1", messageTs: request.ts, threadTs: ts });
    const clicked = await postSlackInteraction(`${gateway.url}webhooks/slack/interactions`, signingSecret, click);
    expect(clicked.status).toBe(200);
    await eventually(() => fake.messages.some((message) => message.text.includes("Done: proof.txt written.")), 4000);
    await gateway.pipeline.idle();
    expect(readFileSync(join(workspaceDir, "proof.txt"), "utf8")).toBe("slack-approved\n");
    const done = fake.messages.find((message) => message.text.includes("Done: proof.txt written."))!;
    expect(done.threadTs).toBe(ts);

    const replayed = await postSlackInteraction(`${gateway.url}webhooks/slack/interactions`, signingSecret, click);
    expect(replayed.status).toBe(200);
    await gateway.pipeline.idle();
    expect(model.chatRequests()).toHaveLength(2);
  });

  it("refuses an interaction with a bad signature", async () => {
    slack = await startFakeSlack();
    ({ gateway } = await startTestGateway({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl }));
    const reply = await postSlackInteraction(`${gateway.url}webhooks/slack/interactions`, "not-the-secret", slackEvents.blockActions("approve abcde"));
    expect(reply.status).toBe(401);
  });
});
