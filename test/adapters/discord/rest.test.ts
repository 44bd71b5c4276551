import { afterEach, describe, expect, it } from "vitest";
import { createDiscordRest, discordFailureOf } from "../../../adapters/discord/rest.ts";
import { BridgeError } from "../../../core/types/errors.ts";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord.ts";

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const failureOf = async (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as BridgeError);

describe("Discord's HTTP API through fetch", () => {
  it("turns a 429 into a retryable error with Discord's retry_after, per route and global, and never retries itself", async () => {
    fake = await startFakeDiscord();
    const rest = createDiscordRest({ apiBase: fake.apiBase, botToken: fake.token });
    fake.failNext("POST", /\/channels\/\d+\/messages$/, 429, { message: "You are being rate limited.", retry_after: 0.35, global: false });
    const perRoute = await failureOf(rest.request("POST", "/channels/1/messages", { body: { content: "x" } }));
    expect(perRoute).toMatchObject({ code: "rate-limited", retryAfterMs: 350 });
    fake.failNext("POST", /\/channels\/\d+\/messages$/, 429, { message: "You are being rate limited.", retry_after: 2, global: true });
    const global = await failureOf(rest.request("POST", "/channels/1/messages", { body: { content: "x" } }));
    expect(global).toMatchObject({ code: "rate-limited", retryAfterMs: 2000 });
    expect(global!.message).toContain("globally");
    expect(fake.callsTo("POST", /\/channels\/\d+\/messages$/)).toHaveLength(2);
  });

  it("a bad token is final and says which variable to fix; Discord's error code stays on the cause", async () => {
    fake = await startFakeDiscord();
    const refused = await failureOf(createDiscordRest({ apiBase: fake.apiBase, botToken: "not-the-token-0000000000" }).request("GET", "/users/@me"));
    expect(refused).toMatchObject({ code: "unauthorized" });
    expect(refused!.message).toContain("DISCORD_BOT_TOKEN");
    const rest = createDiscordRest({ apiBase: fake.apiBase, botToken: fake.token });
    fake.failNext("PATCH", /\/messages\/\d+$/, 404, { message: "Unknown Message", code: 10008 });
    const missing = await failureOf(rest.request("PATCH", "/channels/1/messages/2", { body: { content: "x" } }));
    expect(missing).toMatchObject({ code: "bad-input" });
    expect(discordFailureOf(missing)).toEqual({ status: 404, code: 10008, message: "Unknown Message" });
  });

  it("uploads files as multipart with payload_json and attachments described", async () => {
    fake = await startFakeDiscord();
    const rest = createDiscordRest({ apiBase: fake.apiBase, botToken: fake.token });
    await rest.request("POST", "/channels/1/messages", { body: { content: "chart" }, files: [{ name: "chart.png", bytes: new Uint8Array([1, 2, 3]), mimeType: "image/png" }] });
    expect(fake.messages[0]).toMatchObject({ content: "chart", files: [{ name: "chart.png", type: "image/png", size: 3 }] });
    expect(fake.calls.at(-1)!.body).toMatchObject({ attachments: [{ id: 0, filename: "chart.png" }] });
  });
});
