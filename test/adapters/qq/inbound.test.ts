import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { targetOf, toInboundMessage } from "../../../adapters/qq/inbound.ts";
import { mentionsBot, promptText } from "../../../core/types/message.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/qq/${name}`, import.meta.url), "utf8"));
const normalize = (name: string, selfId?: string) => {
  const { payload, selfId: fixtureSelfId } = fixture(name);
  return toInboundMessage(payload.t, payload.d, 0, selfId ?? fixtureSelfId);
};

describe("QQ events → the command model", () => {
  it("reads a C2C message as a direct chat with the user's openid", () => {
    const message = normalize("c2c-message-create.json")!;
    expect(message).toMatchObject({
      id: "ROBOT1.0_.b6nx.CVryAO0nR58RXuU6SC.m92gc19j02qKqdm8ek!",
      conversation: { platform: "qq", chatId: "user:E4F4AEA33253A2797FB897C50B81D7ED", kind: "direct" },
      sender: { id: "E4F4AEA33253A2797FB897C50B81D7ED", isBot: false },
      sentAt: Date.parse("2023-11-06T13:37:18+08:00"),
    });
    expect(promptText(message.segments)).toBe("123");
  });

  it("reads a group @message as addressed to the bot, in the group", () => {
    const message = normalize("group-at-message-create.json")!;
    expect(message.conversation).toEqual({ platform: "qq", chatId: "group:C9F778FE6ADF9D1D1DBE395BF744A33A", kind: "group" });
    expect(message.sender.id).toBe("E4F4AEA33253A2797FB897C50B81D7ED");
    expect(mentionsBot(message)).toBe(true);
    expect(promptText(message.segments)).toBe("123");
  });

  it("tells the bot's @mention in a channel from someone else's", () => {
    const message = normalize("at-message-create.json")!;
    expect(message.conversation).toEqual({ platform: "qq", chatId: "channel:100010", kind: "group" });
    expect(mentionsBot(message)).toBe(true);
    expect(promptText(message.segments)).toBe("ndnnd");
    const { payload } = fixture("at-message-create.json");
    const other = toInboundMessage("MESSAGE_CREATE", { ...payload.d, content: "<@!999> ndnnd" }, 0, "6158788878435714165")!;
    expect(mentionsBot(other)).toBe(false);
  });

  it("reads a guild DM as a direct chat answered in that DM guild", () => {
    const message = normalize("direct-message-create.json")!;
    expect(message.conversation).toEqual({ platform: "qq", chatId: "dms:18700000000001", kind: "direct" });
    expect(message.sender).toMatchObject({ id: "1234", displayName: "abc" });
    expect(targetOf(message.conversation.chatId)).toEqual({ kind: "dms", id: "18700000000001" });
  });

  it("turns attachments into an image, a voice note with QQ's transcript, and a file, with absolute URLs", () => {
    const message = normalize("c2c-attachments.json")!;
    expect(message.attachments).toMatchObject([
      { type: "image", media: { platform: "qq", url: "https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=fake-image", mimeType: "image/jpeg", sizeBytes: 123456 }, width: 1280, height: 720 },
      { type: "audio", isVoiceNote: true, transcript: "明天天气怎么样", media: { mimeType: "audio/amr", url: "https://multimedia.nt.qq.com.cn/download?fileid=fake-voice.amr" } },
      { type: "file", media: { fileName: "report.pdf", url: "https://multimedia.nt.qq.com.cn/download?fileid=fake-file" } },
    ]);
  });

  it("ignores other events, bots' own messages and empty messages", () => {
    const { payload } = fixture("c2c-message-create.json");
    expect(toInboundMessage("FRIEND_ADD", payload.d, 0)).toBeUndefined();
    expect(toInboundMessage("DIRECT_MESSAGE_CREATE", { ...payload.d, guild_id: "1", author: { id: "9", bot: true } }, 0)).toBeUndefined();
    expect(toInboundMessage("C2C_MESSAGE_CREATE", { ...payload.d, content: "  " }, 0)).toBeUndefined();
    expect(toInboundMessage("C2C_MESSAGE_CREATE", { content: "no id" }, 0)).toBeUndefined();
  });
});
