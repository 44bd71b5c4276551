import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decryptAesEcb, encodeAesKeyForMessage, encryptAesEcb, paddedSizeBytes, parseAesKey } from "../../../adapters/weixin/crypto.ts";
import { clientVersionHeader } from "../../../adapters/weixin/client.ts";
import { markdownToPlainText } from "../../../core/render/plain-text.ts";
import { toSteps } from "../../../adapters/weixin/outbound.ts";

describe("WeChat ClawBot outbound", () => {
  it("reduces markdown to plain text WeChat can show", () => {
    expect(markdownToPlainText("# Title\n\n**bold** and `code` and [a link](https://example.com)\n\n- one\n- two\n\n1. first\n\n```js\nconst x = 1;\n```\n\n> quoted")).toBe(
      "Title\n\nbold and code and a link (https://example.com)\n\n• one\n• two\n\n1. first\n\nconst x = 1;\n\n> quoted",
    );
    expect(markdownToPlainText("a &amp; b")).toBe("a & b");
  });

  it("turns buttons into typed commands and errors into a line with the reference", () => {
    expect(toSteps({ type: "buttons", text: "Run `ls`?", buttons: [{ id: "approve 3f2a", label: "Approve" }, { id: "deny 3f2a", label: "Deny" }] })).toEqual([
      { kind: "text", text: "Run ls?\n\nReply /approve 3f2a or /deny 3f2a." },
    ]);
    expect(toSteps({ type: "buttons", text: "Reply `/approve 3f2a` or `/deny 3f2a`", buttons: [{ id: "approve 3f2a", label: "Approve" }, { id: "deny 3f2a", label: "Deny" }] })).toEqual([
      { kind: "text", text: "Reply /approve 3f2a or /deny 3f2a" },
    ]);
    expect(toSteps({ type: "error", code: "upstream", message: "The model is down.", ref: "r-12" })).toEqual([{ kind: "text", text: "⚠️ The model is down. (ref r-12)" }]);
  });

  it("sends a caption before an image, and audio as a file", () => {
    const media = { platform: "local", id: "/tmp/x.png" };
    expect(toSteps({ type: "image", media, caption: "*look*" })).toEqual([{ kind: "text", text: "look" }, { kind: "media", as: "image", media }]);
    expect(toSteps({ type: "audio", media, isVoice: true })).toEqual([{ kind: "media", as: "file", media }]);
  });

  it("reads the AES key in every documented encoding and round-trips AES-128-ECB", () => {
    const key = randomBytes(16);
    expect(parseAesKey(key.toString("base64"))).toEqual(key);
    expect(parseAesKey(Buffer.from(key.toString("hex")).toString("base64"))).toEqual(key);
    expect(parseAesKey(key.toString("hex"))).toEqual(key);
    expect(parseAesKey(encodeAesKeyForMessage(key))).toEqual(key);
    expect(() => parseAesKey(Buffer.from("short").toString("base64"))).toThrow();
    const plain = Buffer.from("sixteen bytes!!!");
    const cipher = encryptAesEcb(plain, key);
    expect(cipher.length).toBe(paddedSizeBytes(plain.length));
    expect(paddedSizeBytes(16)).toBe(32);
    expect(decryptAesEcb(cipher, key)).toEqual(plain);
  });

  it("encodes the client version as 0x00MMNNPP in decimal", () => {
    expect(clientVersionHeader("1.0.11")).toBe("65547");
  });

  it("builds the documented sendmessage shape (fixture)", () => {
    const fixture = JSON.parse(readFileSync(new URL("../../fixtures/weixin/sendmessage-request-partial.json", import.meta.url), "utf8")) as { msg: { item_list: unknown[] } };
    expect(fixture.msg.item_list[0]).toEqual({ type: 1, text_item: { text: "Hello" } });
  });
});
