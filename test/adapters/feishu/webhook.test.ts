import { AESCipher } from "@larksuiteoapi/node-sdk";
import { describe, expect, it } from "vitest";
import { decrypt, eventSignature } from "../../../adapters/feishu/webhook.ts";
import { encryptBody, signHeaders } from "../../fakes/feishu-events.ts";

describe("Feishu webhook crypto", () => {
  it("decrypts what the fake encrypts, as the SDK's own AESCipher does", () => {
    const { encrypt } = encryptBody({ hello: "世界" }, "key-1");
    expect(decrypt(encrypt, "key-1")).toBe('{"hello":"世界"}');
    expect(new AESCipher("key-1").decrypt(encrypt)).toBe('{"hello":"世界"}');
    // Another key fails the padding check, or (1 time in about 256, as the IV is random) yields garbage.
    const withOtherKey = (() => {
      try {
        return decrypt(encrypt, "other-key");
      } catch {
        return undefined;
      }
    })();
    expect(withOtherKey).not.toBe('{"hello":"世界"}');
  });

  it("signs timestamp + nonce + key + raw body with sha256", () => {
    const raw = '{"encrypt":"abc"}';
    const headers = signHeaders(raw, "key-1");
    expect(eventSignature(headers["x-lark-request-timestamp"]!, headers["x-lark-request-nonce"]!, "key-1", Buffer.from(raw))).toBe(headers["x-lark-signature"]);
  });
});
