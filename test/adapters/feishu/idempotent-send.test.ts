import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFeishuAdapter } from "../../../adapters/feishu/index.ts";
import { feishuUuid } from "../../../adapters/feishu/outbound.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import type { ConversationRef } from "../../../core/types/conversation.ts";
import type { ReplyPart } from "../../../core/types/reply.ts";
import { fakeAppId, fakeAppSecret, startFakeOpenPlatform, textOf, type FakeOpenPlatform } from "../../fakes/feishu-open-platform.ts";
import { sendCutOffThenAgain, type ResendBy } from "../../support/cut-off-send.ts";
import { silentLogger } from "../../support/recording-logger.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

let fake: FakeOpenPlatform | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(): Promise<{ fake: FakeOpenPlatform; adapter: Adapter }> {
  fake = await startFakeOpenPlatform();
  const settings = { appId: fakeAppId, appSecret: fakeAppSecret, domain: fake.origin, connection: "webhook" as const, verificationToken: "v", encryptKey: undefined };
  return { fake, adapter: createFeishuAdapter(settings, { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 }) };
}

const direct: ConversationRef = { platform: "feishu", chatId: "oc_chat1", kind: "direct" };
const groupReply: ConversationRef = { platform: "feishu", chatId: "oc_group1", kind: "group", inReplyTo: { messageId: "om_asker1", senderId: "ou_asker", senderName: "Asker" } };
const answer: ReplyPart = { type: "markdown", text: "the answer" };

describe("Feishu: a send cut off by a crash and sent again shows once", () => {
  for (const resendBy of ["send", "flush"] as const satisfies readonly ResendBy[]) {
    it(`sends one message in a direct chat when the part is sent again by the ${resendBy === "send" ? "turn run again" : "outbox flush"}`, async () => {
      const h = await start();
      const { logger, row } = await sendCutOffThenAgain(h.adapter, "feishu:oc_chat1:m1:0", direct, answer, resendBy);
      expect(logger.find({ level: "warn", message: /cut off/ })).toBeDefined();
      expect(h.fake.sent.map(textOf)).toEqual(["the answer"]);
      // The second send was answered with the first message, which the outbox now records as sent.
      expect(row).toMatchObject({ status: "sent", messageId: h.fake.sent[0]!.messageId });
      const sends = h.fake.requests.filter((request) => request.route === "/open-apis/im/v1/messages" && request.method === "POST");
      expect(sends).toHaveLength(2);
      expect((sends[1]!.body as { uuid?: string }).uuid).toBe((sends[0]!.body as { uuid?: string }).uuid);
    });
  }

  it("sends one reply in a group, and a file with its caption as one file and one caption", async () => {
    const h = await start();
    await sendCutOffThenAgain(h.adapter, "feishu:oc_group1:m2:0", groupReply, answer, "send");
    expect(h.fake.sent.map((entry) => [entry.via, entry.parentId, textOf(entry)])).toEqual([["reply", "om_asker1", "the answer"]]);

    const path = join(tempDataDir(), "report.pdf");
    await writeFile(path, "%PDF-1.4 not really");
    const file: ReplyPart = { type: "file", media: { platform: "local", id: path, mimeType: "application/pdf", fileName: "report.pdf" }, caption: "The report" };
    await sendCutOffThenAgain(h.adapter, "feishu:oc_group1:m2:1", groupReply, file, "flush");
    // Uploaded twice (the upload has no key), but posted once: the file, then its caption.
    expect(h.fake.uploads).toHaveLength(2);
    expect(h.fake.sent.slice(1).map((entry) => [entry.msgType, textOf(entry)])).toEqual([["file", "file"], ["interactive", "The report"]]);
  });

  it("sends a new message for a new part: each part has its own uuid", async () => {
    const h = await start();
    await sendCutOffThenAgain(h.adapter, "feishu:oc_chat1:m3:0", direct, answer, "send");
    await sendCutOffThenAgain(h.adapter, "feishu:oc_chat1:m3:1", direct, { type: "markdown", text: "more" }, "send");
    expect(h.fake.sent.map(textOf)).toEqual(["the answer", "more"]);
  });
});

describe("Feishu uuid", () => {
  it("is the same for the same key and message, within Feishu's 50 characters, and differs per message of a part", () => {
    const key = `feishu:${"oc_".padEnd(60, "x")}:om_${"y".repeat(60)}:a12`;
    expect(feishuUuid(key, "0:card")).toBe(feishuUuid(key, "0:card"));
    expect(feishuUuid(key, "0:card")).toMatch(/^[A-Za-z0-9_-]{1,50}$/);
    const uuids = [feishuUuid(key, "0:card"), feishuUuid(key, "0:text"), feishuUuid(key, "1:card"), feishuUuid(`${key}0`, "0:card")];
    expect(new Set(uuids).size).toBe(uuids.length);
  });
});
