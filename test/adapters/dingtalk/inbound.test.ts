import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mentionsBot, promptText } from "../../../core/types/message.ts";
import { buttonIdOf, cardCallbackSchema, cardCallbackToInbound, robotMessageSchema, toInboundMessage } from "../../../adapters/dingtalk/inbound.ts";

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../../fixtures/dingtalk/${name}.json`, import.meta.url), "utf8")) as Record<string, unknown>;
const now = 1_733_467_811_000;
const inbound = (raw: Record<string, unknown>) => toInboundMessage(robotMessageSchema.parse(raw), now);

describe("DingTalk inbound: robot message callbacks", () => {
  it("a group text that @mentions the robot is addressed to it, in the group's open conversation, with the text as the prompt", () => {
    const message = inbound(fixture("text-group"))!;
    expect(message).toMatchObject({
      id: "msg0xxxxx",
      conversation: { platform: "dingtalk", chatId: "cid6KeBBLoveMJOGXoYKF5x7EeiodoA==", kind: "group" },
      sender: { id: "user123", displayName: "杨xx", isBot: false },
      sentAt: 1613630252678,
    });
    expect(mentionsBot(message)).toBe(true);
    expect(promptText(message.segments)).toBe("你好");
  });

  it("a group text without isInAtList and without the robot in atUsers is not addressed", () => {
    const raw = { ...fixture("text-group"), isInAtList: false, atUsers: [{ dingtalkId: "$:LWCP_v1:$someoneElse" }] };
    expect(mentionsBot(inbound(raw)!)).toBe(false);
  });

  it("the robot's own id among atUsers addresses it even without isInAtList", () => {
    const raw = { ...fixture("text-group"), isInAtList: undefined };
    expect(mentionsBot(inbound(raw)!)).toBe(true);
  });

  it("a 1:1 text is a direct conversation keyed by the sender's staff id (batchSend's userIds), string timestamps read as numbers", () => {
    const message = inbound(fixture("text-direct"))!;
    expect(message.conversation).toEqual({ platform: "dingtalk", chatId: "manager4520", kind: "direct" });
    expect(message.sentAt).toBe(1613630252678);
    expect(mentionsBot(message)).toBe(false);
    expect(promptText(message.segments)).toBe("帮我总结一下今天的会议");
  });

  it("a sender without a staff id (an external user) is keyed by the encrypted senderId", () => {
    const raw = { ...fixture("text-direct"), senderStaffId: undefined };
    expect(inbound(raw)!.conversation.chatId).toBe("$:LWCP_v1:$Ff09GIyyyyy");
  });

  it("a picture becomes an image fetched later by its downloadCode, never eager bytes", () => {
    expect(inbound(fixture("picture"))!.attachments).toEqual([{ type: "image", media: { platform: "dingtalk", id: "mIofNpicturecode==", mimeType: "image/jpeg" } }]);
  });

  it("rich text keeps its words in order and its pictures as images", () => {
    const message = inbound(fixture("rich-text"))!;
    expect(promptText(message.segments)).toBe("看看这张图哪里有问题？");
    expect(message.attachments).toEqual([{ type: "image", media: { platform: "dingtalk", id: "mIofNrichpic==", mimeType: "image/jpeg" } }]);
  });

  it("a voice message carries DingTalk's recognition as its transcript and its duration in seconds", () => {
    expect(inbound(fixture("audio"))!.attachments).toEqual([
      { type: "audio", media: { platform: "dingtalk", id: "mIofNaudiocode==" }, isVoiceNote: true, durationSec: 4, transcript: "明天上午十点开会" },
    ]);
  });

  it("a voice message without recognition has no transcript (speech-to-text then runs on the download)", () => {
    const raw = fixture("audio");
    const content = { ...(raw.content as Record<string, unknown>), recognition: "" };
    const [attachment] = inbound({ ...raw, content })!.attachments;
    expect(attachment).toMatchObject({ type: "audio", isVoiceNote: true });
    expect(attachment && "transcript" in attachment).toBe(false);
  });

  it("a video and a file keep their download codes, the file its name", () => {
    expect(inbound(fixture("video"))!.attachments).toEqual([{ type: "video", media: { platform: "dingtalk", id: "mIofNvideocode==", mimeType: "video/mp4" }, durationSec: 12 }]);
    expect(inbound(fixture("file"))!.attachments).toEqual([{ type: "file", media: { platform: "dingtalk", id: "mIofNfilecode==", fileName: "季度报告.pdf" } }]);
  });

  it("content sent as a JSON string is read like an object", () => {
    const raw = fixture("picture");
    expect(inbound({ ...raw, content: JSON.stringify(raw.content) })!.attachments).toHaveLength(1);
  });

  it("ignores a message type it does not take, and refuses a body without msgId", () => {
    expect(inbound({ ...fixture("text-direct"), msgtype: "interactiveCard" })).toBeUndefined();
    const { msgId: _dropped, ...withoutId } = fixture("text-direct");
    expect(robotMessageSchema.safeParse(withoutId).success).toBe(false);
  });
});

describe("DingTalk inbound: card button callbacks", () => {
  it("a click becomes the button's command from the sender, in the chat the card went to", () => {
    const callback = cardCallbackSchema.parse(fixture("card-callback"));
    expect(buttonIdOf(callback)).toBe("approve 3f2a");
    const message = cardCallbackToInbound(callback, { platform: "dingtalk", chatId: "manager4520", kind: "direct" }, now)!;
    expect(message).toMatchObject({
      conversation: { platform: "dingtalk", chatId: "manager4520", kind: "direct" },
      sender: { id: "04574258341072934" },
      segments: [{ type: "text", text: "/approve 3f2a" }],
    });
    expect(message.id).toBe("card:53d6dda444c74f5f17bf4534333c1a46f690b4ddadac8d7e80fc11c2e4a714cb:approve 3f2a:04574258341072934");
  });

  it("a click that carries no command (another template's button) is not a message", () => {
    const callback = cardCallbackSchema.parse({ ...fixture("card-callback"), value: '{"cardPrivateData":{"actionIds":["like"],"params":{}}}', content: undefined });
    expect(buttonIdOf(callback)).toBeUndefined();
  });
});
