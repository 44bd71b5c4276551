import { afterEach, describe, expect, it } from "vitest";
import { createIlinkClient } from "../../../adapters/weixin/client.ts";
import { startFakeIlink } from "../../fakes/weixin-ilink.ts";

let fake: Awaited<ReturnType<typeof startFakeIlink>> | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("iLink calls that never answer", () => {
  it("give up after the call timeout with a retryable timeout error", async () => {
    fake = await startFakeIlink();
    const client = createIlinkClient({ baseUrl: fake.origin, token: fake.botToken, timeoutMs: 300 });
    fake.hangNext("/ilink/bot/sendmessage");
    const sending = client.sendMessage(fake.ownerId, "ctx-token", "client-1", { type: 1, text_item: { text: "hi" } } as never);
    await expect(sending).rejects.toMatchObject({ name: "BridgeError", code: "timeout" });
  });

  it("treat a long poll that outlives its wait as an empty batch on the same cursor", async () => {
    fake = await startFakeIlink();
    const client = createIlinkClient({ baseUrl: fake.origin, token: fake.botToken });
    fake.hangNext("/ilink/bot/getupdates");
    // The client waits the long-poll time plus 5 s of margin.
    const batch = await client.getUpdates("cursor-1", 100);
    expect(batch).toMatchObject({ ret: 0, msgs: [], get_updates_buf: "cursor-1" });
  }, 10_000);
});
