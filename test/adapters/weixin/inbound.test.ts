import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toInboundMessage, unpackMediaRef } from "../../../adapters/weixin/inbound.ts";
import { cdnMediaSchema, getUpdatesResponseSchema, weixinMessageSchema } from "../../../adapters/weixin/protocol.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/weixin/${name}`, import.meta.url), "utf8")) as unknown;
const parse = (raw: unknown) => weixinMessageSchema.parse(raw);

const base = { seq: 3, message_id: 7000003, from_user_id: "owner@im.wechat", to_user_id: "bot@im.bot", create_time_ms: 1_700_000_000_000, message_type: 1, context_token: "ctx-1" };

describe("WeChat ClawBot inbound", () => {
  it("parses the documented getupdates response and CDN reference (fixtures)", () => {
    expect(getUpdatesResponseSchema.parse(fixture("getupdates-response-empty-partial.json"))).toMatchObject({ ret: 0, msgs: [], longpolling_timeout_ms: 35000 });
    expect(cdnMediaSchema.parse(fixture("cdn-media-reference-partial.json"))).toMatchObject({ encrypt_type: 1 });
  });

  it("turns a text message into a direct message keyed by message_id (a number on the wire)", () => {
    const message = toInboundMessage(parse({ ...base, item_list: [{ type: 1, text_item: { text: "hello" } }] }), 5);
    expect(message).toMatchObject({
      id: "7000003",
      conversation: { platform: "weixin", chatId: "owner@im.wechat", kind: "direct" },
      sender: { id: "owner@im.wechat", isBot: false },
      sentAt: 1_700_000_000_000,
      segments: [{ type: "text", text: "hello" }],
      attachments: [],
    });
  });

  it("keeps WeChat's transcript on a voice message and its SILK media for decoding", () => {
    const message = toInboundMessage(parse({ ...base, item_list: [{ type: 3, voice_item: { encode_type: 6, playtime: 1500, text: "turn it off", media: { encrypt_query_param: "q1", aes_key: "a2V5" } } }] }), 0);
    expect(message?.attachments[0]).toMatchObject({ type: "audio", isVoiceNote: true, durationSec: 1.5, transcript: "turn it off", media: { mimeType: "audio/silk" } });
  });

  it("carries the CDN reference of an image (preferring image_item.aeskey) and of a file with its size", () => {
    const hex = "00112233445566778899aabbccddeeff";
    const image = toInboundMessage(parse({ ...base, item_list: [{ type: 2, image_item: { aeskey: hex, media: { encrypt_query_param: "img/q=1|x", aes_key: "ignored" }, mid_size: 64 } }] }), 0);
    const ref = image?.attachments[0]?.media;
    expect(ref && unpackMediaRef(ref)).toEqual({ aesKey: hex, encryptQueryParam: "img/q=1|x", fullUrl: undefined });
    const file = toInboundMessage(parse({ ...base, item_list: [{ type: 4, file_item: { file_name: "a.pdf", len: "2048", media: { encrypt_query_param: "f1", aes_key: "a2V5", full_url: "https://cdn.example/f1" } } }] }), 0);
    expect(file?.attachments[0]).toMatchObject({ type: "file", media: { fileName: "a.pdf", sizeBytes: 2048, url: "https://cdn.example/f1" } });
  });

  it("makes a quoted message (ref_msg) the reply-to", () => {
    const message = toInboundMessage(parse({ ...base, item_list: [{ type: 1, text_item: { text: "and this?" }, ref_msg: { title: "earlier", svr_id: 99, message_item: { type: 1, text_item: { text: "the earlier answer" } } } }] }), 0);
    expect(message?.replyTo).toEqual({ messageId: "99", isToSelf: false, text: "the earlier answer" });
  });

  it("ignores the bot's own messages, group messages and empty ones", () => {
    expect(toInboundMessage(parse({ ...base, message_type: 2, item_list: [{ type: 1, text_item: { text: "x" } }] }), 0)).toBeUndefined();
    expect(toInboundMessage(parse({ ...base, group_id: "g1", item_list: [{ type: 1, text_item: { text: "x" } }] }), 0)).toBeUndefined();
    expect(toInboundMessage(parse({ ...base, item_list: [] }), 0)).toBeUndefined();
  });
});
