import { TelegramError } from "telegraf";
import { describe, expect, it } from "vitest";
import { isNotModified, isParseError, toTelegramBridgeError } from "../../../adapters/telegram/errors.ts";
import { inlineKeyboard, placement } from "../../../adapters/telegram/outbound.ts";
import { isSameSecret } from "../../../adapters/telegram/webhook.ts";

const apiError = (error_code: number, description: string, parameters?: { retry_after: number }) =>
  new TelegramError({ error_code, description, ...(parameters ? { parameters } : {}) });

describe("Telegram errors become BridgeErrors the outbox understands", () => {
  it("maps 429 with retry_after to rate-limited with the wait in ms", () => {
    const error = toTelegramBridgeError(apiError(429, "Too Many Requests: retry after 7", { retry_after: 7 }), "sendMessage");
    expect([error.code, error.retryAfterMs]).toEqual(["rate-limited", 7000]);
  });

  it("does not retry a blocked chat or a bad request, and retries a server error", () => {
    expect(toTelegramBridgeError(apiError(403, "Forbidden: bot was blocked by the user"), "sendMessage").code).toBe("unauthorized");
    expect(toTelegramBridgeError(apiError(400, "Bad Request: chat not found"), "sendMessage").code).toBe("bad-input");
    expect(toTelegramBridgeError(apiError(502, "Bad Gateway"), "sendMessage").code).toBe("upstream");
    expect(toTelegramBridgeError(new Error("socket hang up"), "sendMessage").code).toBe("upstream");
  });

  it("recognises the formatting and not-modified answers", () => {
    expect(isParseError(apiError(400, "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""))).toBe(true);
    expect(isParseError(apiError(400, "Bad Request: chat not found"))).toBe(false);
    expect(isNotModified(apiError(400, "Bad Request: message is not modified: specified new message content…"))).toBe(true);
  });
});

describe("where a Telegram answer goes", () => {
  it("stays in the topic and replies to the asker in groups only", () => {
    const inReplyTo = { messageId: "-100:42", senderId: "7", senderName: "Ann" };
    expect(placement({ platform: "telegram", chatId: "-100", kind: "group", threadId: "9", inReplyTo })).toEqual({
      message_thread_id: 9,
      reply_parameters: { message_id: 42, allow_sending_without_reply: true },
    });
    expect(placement({ platform: "telegram", chatId: "7", kind: "direct", inReplyTo: { ...inReplyTo, messageId: "7:42" } })).toEqual({});
    // A button press is answered in the chat, not as a reply to the press.
    expect(placement({ platform: "telegram", chatId: "-100", kind: "group", inReplyTo: { ...inReplyTo, messageId: "cb:1" } })).toEqual({});
  });

  it("makes one row of callback buttons", () => {
    expect(inlineKeyboard([{ id: "approve k3m9p", label: "Approve" }, { id: "deny k3m9p", label: "Deny" }])).toEqual({
      inline_keyboard: [[{ text: "Approve", callback_data: "approve k3m9p" }, { text: "Deny", callback_data: "deny k3m9p" }]],
    });
  });

  it("compares webhook secrets exactly", () => {
    expect(isSameSecret("abc", "abc")).toBe(true);
    expect(isSameSecret("abd", "abc")).toBe(false);
    expect(isSameSecret("abcd", "abc")).toBe(false);
    expect(isSameSecret(undefined, "abc")).toBe(false);
  });
});
