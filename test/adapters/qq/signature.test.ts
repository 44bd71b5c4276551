import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createQqSigner, seedFromSecret } from "../../../adapters/qq/signature.ts";

const vectors = JSON.parse(readFileSync(new URL("../../fixtures/qq/webhook-signature.json", import.meta.url), "utf8"));

describe("QQ's Ed25519 webhook signatures", () => {
  it("derives the seed by repeating the secret to 32 bytes (sign.md's example)", () => {
    expect(seedFromSecret("naOC0ocQE3shWLAfffVLB1rhYPG7").toString()).toBe("naOC0ocQE3shWLAfffVLB1rhYPG7naOC");
  });

  it("signs the URL validation as the documentation's example", () => {
    const { secret, body, signature } = vectors.validation;
    const { d } = JSON.parse(body);
    expect(createQqSigner(secret).sign(d.event_ts, d.plain_token)).toBe(signature);
  });

  it("accepts the official SDK's signed event, and refuses it changed, re-timed or signed with another secret", () => {
    const { secret, timestamp, body, signature } = vectors.event;
    const signer = createQqSigner(secret);
    expect(signer.verify(timestamp, Buffer.from(body), signature)).toBe(true);
    expect(signer.verify(timestamp, Buffer.from(body.replace("哦一下", "哦两下")), signature)).toBe(false);
    expect(signer.verify(String(Number(timestamp) + 1), Buffer.from(body), signature)).toBe(false);
    expect(createQqSigner("another-secret").verify(timestamp, Buffer.from(body), signature)).toBe(false);
    expect(signer.verify(timestamp, Buffer.from(body), "not hex")).toBe(false);
    expect(signer.verify(timestamp, Buffer.from(body), signature.slice(0, 126))).toBe(false);
  });
});
