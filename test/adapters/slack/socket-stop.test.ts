import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../../adapters/slack/index.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import { startFakeSlack, type FakeSlack } from "../../fakes/slack-api.ts";
import { eventually } from "../../support/eventually.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";
import { silentLogger } from "../../support/recording-logger.ts";


let slack: FakeSlack | undefined;
let adapter: Adapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await slack?.close();
  adapter = slack = undefined;
});

describe("Slack Socket Mode stop", () => {
  it("leaves no socket open when stopped while apps.connections.open is still on its way", async () => {
    slack = await startFakeSlack();
    const fake = slack;
    fake.delayNext("apps.connections.open", 300);
    adapter = createSlackAdapter(
      { botToken: fake.botToken, appToken: fake.appToken, signingSecret: undefined, apiUrl: fake.apiUrl },
      { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 },
      { apiRetries: 0, clientPingTimeoutMs: 300 },
    );
    await adapter.start({ receive: async () => ({ isDuplicate: false }) }, new AbortController().signal);
    await eventually(() => fake.calls("apps.connections.open").length === 1);
    await adapter.stop();
    // The delayed answer arrives after the stop; whatever socket it led to is closed, and none is opened again.
    await sleep(400);
    await eventually(() => fake.socket.openSockets() === 0);
    await sleep(300);
    expect(fake.socket.openSockets()).toBe(0);
    expect(fake.calls("apps.connections.open")).toHaveLength(1);
    expect(adapter.health().state).toBe("stopped");
  });
});
