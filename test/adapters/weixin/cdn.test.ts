import { describe, expect, it } from "vitest";
import { createCdn } from "../../../adapters/weixin/cdn.ts";
import { encryptAesEcb } from "../../../adapters/weixin/crypto.ts";
import { trackedStream } from "../../support/tracked-stream.ts";

const key = Buffer.from("00112233445566778899aabbccddeeff", "hex");
const ref = { encryptQueryParam: "fake-param", aesKey: key.toString("hex") };

/** The CDN's answer as a stream of `chunks` with no Content-Length, telling whether it was cancelled. */
function cdnAnswering(chunks: Uint8Array[]) {
  const { stream, seen } = trackedStream(chunks);
  const fetchStub = (async () => new Response(stream)) as typeof fetch;
  return { cdn: createCdn({ cdnBase: "http://127.0.0.1:9/c2c", fetch: fetchStub }), seen };
}

describe("downloading a WeChat CDN file", () => {
  it("decrypts a file within the limit", async () => {
    const { cdn } = cdnAnswering([encryptAesEcb(Buffer.from("a picture's bytes"), key)]);
    expect((await cdn.download(ref, 1000)).toString()).toBe("a picture's bytes");
  });

  it("refuses a file that passes the limit as it arrives, undeclared, without reading the rest into memory", async () => {
    const { cdn, seen } = cdnAnswering([new Uint8Array(64), new Uint8Array(64), new Uint8Array(64), new Uint8Array(64)]);
    await expect(cdn.download(ref, 100)).rejects.toMatchObject({ code: "unsupported", message: "That file is too big (over 1 KB)." });
    expect(seen).toEqual({ pulled: 2, isCancelled: true });
  });
});
