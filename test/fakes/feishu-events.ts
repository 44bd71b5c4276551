import { createCipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import { fakeAppId, fakeBotOpenId } from "./feishu-open-platform.ts";

/** Builds Feishu event bodies (schema 2.0) and posts them to a webhook the way Feishu does: encrypted and signed. */

export const fakeVerificationToken = "fake-verification-token-0001";
export const fakeEncryptKey = "fake-encrypt-key-0001";

let sequence = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(16)}${(sequence += 1).toString().padStart(4, "0")}`;

export interface MessageOptions {
  chatType?: "p2p" | "group";
  chatId?: string;
  messageId?: string;
  senderOpenId?: string;
  senderType?: "user" | "app";
  messageType?: string;
  /** The content object (stringified into `message.content`); default `{text}`. */
  content?: Record<string, unknown>;
  text?: string;
  mentions?: { key: string; openId: string; name: string }[];
  threadId?: string;
  parentId?: string;
  eventId?: string;
  token?: string;
}

/** `im.message.receive_v1`, shaped like the documented example (test/fixtures/feishu). */
export function messageEvent(options: MessageOptions = {}) {
  const messageId = options.messageId ?? nextId("om_user");
  return {
    schema: "2.0",
    header: {
      event_id: options.eventId ?? randomUUID().replaceAll("-", ""),
      event_type: "im.message.receive_v1",
      create_time: String(Date.now()),
      token: options.token ?? fakeVerificationToken,
      app_id: fakeAppId,
      tenant_key: "fake_tenant",
    },
    event: {
      sender: {
        sender_id: { union_id: "on_fakeunion", user_id: "fakeuser", open_id: options.senderOpenId ?? "ou_fakealice000000000000000000001" },
        sender_type: options.senderType ?? "user",
        tenant_key: "fake_tenant",
      },
      message: {
        message_id: messageId,
        ...(options.parentId ? { root_id: options.parentId, parent_id: options.parentId } : {}),
        ...(options.threadId ? { thread_id: options.threadId } : {}),
        create_time: String(Date.now()),
        chat_id: options.chatId ?? (options.chatType === "group" ? "oc_fakegroup0001" : "oc_fakep2p0001"),
        chat_type: options.chatType ?? "p2p",
        message_type: options.messageType ?? "text",
        content: JSON.stringify(options.content ?? { text: options.text ?? "hello" }),
        mentions: (options.mentions ?? []).map((mention) => ({
          key: mention.key,
          id: { union_id: "on_x", user_id: "x", open_id: mention.openId },
          name: mention.name,
          tenant_key: "fake_tenant",
        })),
      },
    },
  };
}

export const botMention = { key: "@_user_1", openId: fakeBotOpenId, name: "Pincer Bot" };

/** `card.action.trigger`: a click on a button of the bot's card. */
export function cardActionEvent(options: { messageId: string; chatId: string; value: unknown; operatorOpenId?: string; token?: string }) {
  return {
    schema: "2.0",
    header: {
      event_id: randomUUID().replaceAll("-", ""),
      event_type: "card.action.trigger",
      create_time: String(Date.now()),
      token: options.token ?? fakeVerificationToken,
      app_id: fakeAppId,
      tenant_key: "fake_tenant",
    },
    event: {
      operator: { tenant_key: "fake_tenant", open_id: options.operatorOpenId ?? "ou_fakealice000000000000000000001", union_id: "on_x" },
      token: "c-fake-card-token",
      action: { value: options.value, tag: "button" },
      host: "im_message",
      context: { open_message_id: options.messageId, open_chat_id: options.chatId },
    },
  };
}

/** `{"encrypt": base64(iv ‖ AES-256-CBC(sha256(key), iv, json))}`, as Feishu encrypts. */
export function encryptBody(body: unknown, encryptKey: string): { encrypt: string } {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(body), "utf8"), cipher.final()]);
  return { encrypt: Buffer.concat([iv, encrypted]).toString("base64") };
}

export function signHeaders(rawBody: string, encryptKey: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomUUID();
  const signature = createHash("sha256").update(timestamp + nonce + encryptKey + rawBody).digest("hex");
  return { "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": nonce, "x-lark-signature": signature };
}

/** Posts like Feishu: encrypted and signed when `encryptKey` is given; `tamper` spoils the signature. */
export async function postEvent(url: string, body: unknown, options: { encryptKey?: string; isUnsigned?: boolean; tamper?: boolean } = {}) {
  const raw = JSON.stringify(options.encryptKey ? encryptBody(body, options.encryptKey) : body);
  const signed = options.encryptKey && !options.isUnsigned ? signHeaders(raw, options.encryptKey) : {};
  if (options.tamper && signed["x-lark-signature"]) signed["x-lark-signature"] = signed["x-lark-signature"].replace(/^./, (c) => (c === "0" ? "1" : "0"));
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...signed }, body: raw });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}
