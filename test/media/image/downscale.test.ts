import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { prepareImage } from "../../../media/image/downscale.ts";

const maxPx = 1568;

async function photo(width: number, height: number, options: { orientation?: number } = {}): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg({ quality: 90 });
  return options.orientation ? image.withMetadata({ orientation: options.orientation }).toBuffer() : image.toBuffer();
}

async function pngWithAlpha(alpha: number): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 255, g: 0, b: 0, alpha } } }).png().toBuffer();
}

async function decoded(prepared: { base64: string }) {
  return sharp(Buffer.from(prepared.base64, "base64")).metadata();
}

describe("images prepared for a vision model", () => {
  it("shrinks a 4000×3000 photo to 1568×1176 JPEG", async () => {
    const prepared = await prepareImage({ bytes: await photo(4000, 3000), mimeType: "image/jpeg" }, maxPx);
    expect(prepared).toMatchObject({ mimeType: "image/jpeg", width: 1568, height: 1176 });
    expect(await decoded(prepared)).toMatchObject({ format: "jpeg", width: 1568, height: 1176 });
  });

  it("keeps a small image at its size (never enlarges it)", async () => {
    const prepared = await prepareImage({ bytes: await photo(800, 600), mimeType: "image/jpeg" }, maxPx);
    expect(prepared).toMatchObject({ mimeType: "image/jpeg", width: 800, height: 600 });
    expect(await decoded(prepared)).toMatchObject({ width: 800, height: 600 });
  });

  it("turns a photo upright by its EXIF orientation and drops the metadata", async () => {
    const prepared = await prepareImage({ bytes: await photo(4000, 2000, { orientation: 6 }), mimeType: "image/jpeg" }, maxPx);
    expect(prepared).toMatchObject({ width: 784, height: 1568 });
    const metadata = await decoded(prepared);
    expect(metadata).toMatchObject({ width: 784, height: 1568 });
    expect(metadata.orientation).toBeUndefined();
    expect(metadata.exif).toBeUndefined();
  });

  it("keeps a PNG with transparent pixels a PNG, with its transparency", async () => {
    const prepared = await prepareImage({ bytes: await pngWithAlpha(0.5), mimeType: "image/png" }, maxPx);
    expect(prepared).toMatchObject({ mimeType: "image/png", width: 300, height: 200 });
    expect(await decoded(prepared)).toMatchObject({ format: "png", hasAlpha: true });
  });

  it("sends a PNG whose alpha channel is fully opaque (a typical screenshot) as JPEG", async () => {
    const prepared = await prepareImage({ bytes: await pngWithAlpha(1), mimeType: "image/png" }, maxPx);
    expect(prepared.mimeType).toBe("image/jpeg");
  });

  it("answers a file that is not an image with a sentence for the chat", async () => {
    const corrupt = (await photo(400, 300)).subarray(0, 100);
    await expect(prepareImage({ bytes: corrupt, mimeType: "image/jpeg" }, maxPx)).rejects.toMatchObject({
      name: "BridgeError",
      code: "bad-input",
      message: "I could not read this image.",
    });
    await expect(prepareImage({ bytes: new TextEncoder().encode("not an image"), mimeType: "image/png" }, maxPx)).rejects.toMatchObject({
      code: "bad-input",
    });
  });
});
