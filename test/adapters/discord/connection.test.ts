import { afterEach, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../../adapters/discord/index.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord.ts";
import { eventually } from "../../support/eventually.ts";
import { recordingLogger } from "../../support/recording-logger.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

let fake: FakeDiscord | undefined;
let adapter: Adapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await fake?.close();
  adapter = fake = undefined;
});

const start = async (fakeDiscord: FakeDiscord) => {
  const settings = { botToken: fakeDiscord.token, hasThreads: true, apiBase: fakeDiscord.apiBase, gatewayUrl: undefined };
  // A short backoff: a refusal that were retried would show within the test.
  const created = createDiscordAdapter(settings, { logger: recordingLogger(), dataDir: tempDataDir(), maxMediaBytes: 1_000_000 }, { connectRetryMs: 50 });
  await created.start({ receive: async () => ({ isDuplicate: false }) } as never, new AbortController().signal);
  return created;
};

describe("Discord's gateway under the connection lifecycle", () => {
  it("starts a new manager after the lifecycle's backoff when /gateway/bot failed, and is ready once it answers", async () => {
    fake = await startFakeDiscord();
    fake.failNext("GET", /\/gateway\/bot$/, 502, { message: "Bad Gateway", code: 0 });
    adapter = await start(fake);
    await eventually(() => adapter!.health().state === "ready", 8000);
    expect(fake.identifies).toHaveLength(1);
    expect(fake.callsTo("GET", /\/gateway\/bot$/).length).toBeGreaterThanOrEqual(2);
  });

  it("shows a refused intent as an error and never retries it, even with a short backoff", async () => {
    fake = await startFakeDiscord({ refuseIdentifyWith: 4014 });
    adapter = await start(fake);
    await eventually(() => adapter!.health().state === "error", 8000);
    expect(adapter.health()).toMatchObject({ state: "error", detail: expect.stringMatching(/Message Content/) });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fake.identifies).toHaveLength(1);
    expect(adapter.health().state).toBe("error");
    await adapter.stop();
    expect(adapter.health()).toEqual({ state: "stopped" });
  });
});
