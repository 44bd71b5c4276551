import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callbackSignature } from "../../../adapters/dingtalk/webhook.ts";

describe("DingTalk HTTP callback signature", () => {
  it("is base64(HMAC-SHA256(key = AppSecret, timestamp + \"\\n\" + AppSecret)), as DingTalk's receive-message page computes it", () => {
    const secret = "this is secret";
    const timestamp = "1577262236757";
    const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(Buffer.from(`${timestamp}\n${secret}`, "utf8")).digest("base64");
    expect(callbackSignature(timestamp, secret)).toBe(expected);
    expect(callbackSignature(timestamp, "another secret")).not.toBe(expected);
  });
});
