import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../../adapters/slack/index.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import { startFakeSlack, type FakeSlack } from "../../fakes/slack-api.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";
import { silentLogger } from "../../support/recording-logger.ts";


let slack: FakeSlack | undefined;
let adapter: Adapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await slack?.close();
  adapter = slack = undefined;
});

describe("Slack Web API calls that never answer", () => {
  it("give up after the call timeout with a retryable timeout error", async () => {
    slack = await startFakeSlack();
    adapter = createSlackAdapter(
      { botToken: slack.botToken, appToken: undefined, signingSecret: "test-fake-signing-secret", apiUrl: slack.apiUrl },
      { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 },
      { apiRetries: 0, callTimeoutMs: 300 },
    );
    await adapter.start({ receive: async () => ({ isDuplicate: false }) }, new AbortController().signal);
    slack.hangNext("chat.postMessage");
    const sending = adapter.send({ platform: "slack", chatId: "D00FAKEDM001", kind: "direct" }, { type: "markdown", text: "hello" });
    await expect(sending).rejects.toMatchObject({ name: "BridgeError", code: "timeout" });
    expect(slack.calls("chat.postMessage")).toHaveLength(1);
  });
});
