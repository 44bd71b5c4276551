import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { startFakeSlack } from "../fakes/slack-api.ts";
import { postSlackEvent } from "../fakes/slack-events.ts";
import { eventually } from "../support/eventually.ts";
import { alice, textUpdate } from "../support/telegram.ts";
import { ownerAuth, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

const post = (g: Gateway, path: string, body: unknown, headers: Record<string, string> = ownerAuth(g)) =>
  fetch(new URL(path, g.url), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const listed = async (g: Gateway) =>
  ((await (await fetch(new URL("/api/admin/channels/setup", g.url), { headers: ownerAuth(g) })).json()) as { channels: { id: string; source: string; state: string; isRemovable: boolean }[] }).channels;

describe("adding a channel from the setup page while the gateway runs", () => {
  it("hot-adds a Telegram bot after checking its token: it connects and answers; removing it stops it; it comes back after a restart", async () => {
    fake = await startFakeBotApi();
    const bot = fake;
    const dataDir = tempDataDir();
    const env = { DATA_DIR: dataDir, PINCER_DM_POLICY: "open" };
    ({ gateway } = await startTestGateway(env));
    expect((await listed(gateway)).map((channel) => channel.id)).toEqual(["web"]);

    const refused = await post(gateway, "/api/admin/channels/add", { platform: "telegram", env: { TELEGRAM_BOT_TOKEN: "123456:wrong", TELEGRAM_API_ROOT: bot.url } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain("revoked or mistyped");

    const added = await post(gateway, "/api/admin/channels/add", { platform: "telegram", env: { TELEGRAM_BOT_TOKEN: bot.token, TELEGRAM_API_ROOT: bot.url } });
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ id: "telegram", detail: `@${bot.bot.username}, long polling` });
    await eventually(() => bot.callsOf("getUpdates").length > 0, 5000);
    const channels = await listed(gateway);
    expect(channels.find((channel) => channel.id === "telegram")).toMatchObject({ source: "store", isRemovable: true });

    bot.push(textUpdate("/echo added live"));
    await eventually(() => bot.textsIn(alice.id).includes("added live"), 10_000);

    const removed = await post(gateway, "/api/admin/channels/remove", { id: "telegram" });
    expect(removed.status).toBe(200);
    expect((await listed(gateway)).map((channel) => channel.id)).toEqual(["web"]);
    const pollsAtRemoval = bot.callsOf("getUpdates").length;
    bot.push(textUpdate("/echo still there?"));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(bot.textsIn(alice.id)).not.toContain("still there?");
    expect(bot.callsOf("getUpdates").length).toBeLessThanOrEqual(pollsAtRemoval + 1);

    // Added again, then the gateway restarts on the same DATA_DIR: the stored channel starts with it.
    expect((await post(gateway, "/api/admin/channels/add", { platform: "telegram", id: "helper", env: { TELEGRAM_BOT_TOKEN: bot.token, TELEGRAM_API_ROOT: bot.url } })).status).toBe(200);
    await gateway.stop();
    ({ gateway } = await startTestGateway(env));
    expect((await listed(gateway)).find((channel) => channel.id === "helper")).toMatchObject({ source: "store" });
    await eventually(() => bot.textsIn(alice.id).includes("still there?"), 10_000);
  }, 40_000);

  it("needs the owner's token, refuses to remove a channel from .env, and refuses a bad id", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTestGateway({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url }));
    expect((await post(gateway, "/api/admin/channels/add", { platform: "telegram", env: {} }, {})).status).toBe(401);
    expect((await fetch(new URL("/admin/setup", gateway.url))).status).toBe(401);
    expect((await post(gateway, "/api/admin/channels/remove", { id: "telegram" })).status).toBe(409);
    const badId = await post(gateway, "/api/admin/channels/add", { platform: "telegram", id: "<script>", env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url } });
    expect(badId.status).toBe(400);
    const taken = await post(gateway, "/api/admin/channels/add", { platform: "telegram", id: "telegram", env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url } });
    expect(taken.status).toBe(400);
    const page = await fetch(new URL("/admin/setup?lang=zh-CN", gateway.url), { headers: ownerAuth(gateway) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("在 Pincer 运行时接入聊天应用");
  }, 20_000);

  it("serves a webhook channel's routes as soon as it is added, under its own id too, and drops them when it is removed", async () => {
    const slack = await startFakeSlack();
    try {
      ({ gateway } = await startTestGateway({}));
      const signingSecret = "fake-signing-secret-1234";
      const challenge = { token: "x", challenge: "c0ffee", type: "url_verification" };
      const before = await postSlackEvent(`${gateway.url}webhooks/slack/events`, signingSecret, challenge);
      expect(before.status).toBe(404);
      const added = await post(gateway, "/api/admin/channels/add", { platform: "slack", id: "team", env: { SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl } });
      expect(added.status).toBe(200);
      expect(await postSlackEvent(`${gateway.url}webhooks/slack/team/events`, signingSecret, challenge)).toEqual({ status: 200, text: JSON.stringify({ challenge: "c0ffee" }) });
      // Not the default channel: today's path stays free for the environment's Slack bot.
      expect((await postSlackEvent(`${gateway.url}webhooks/slack/events`, signingSecret, challenge)).status).toBe(404);
      expect((await post(gateway, "/api/admin/channels/remove", { id: "team" })).status).toBe(200);
      expect((await postSlackEvent(`${gateway.url}webhooks/slack/team/events`, signingSecret, challenge)).status).toBe(404);
    } finally {
      await slack.close();
    }
  }, 20_000);
});
