import type { PreparedImage } from "../../core/media.ts";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { loadSharp } from "./load-sharp.ts";

const jpegQuality = 80;

/**
 * An image as a vision model should get it: upright (EXIF orientation applied), the longest side at
 * most `maxPx` (never enlarged), re-encoded without metadata (no location, no camera): JPEG, or PNG
 * when some pixel is see-through. The format is sniffed from the bytes; `mimeType` is not trusted.
 */
export async function prepareImage(image: Pick<FetchedMedia, "bytes" | "mimeType">, maxPx: number): Promise<PreparedImage> {
  if (!Number.isInteger(maxPx) || maxPx < 1) throw new BridgeError("config", `The image size limit must be a positive whole number of pixels, not ${maxPx}.`);
  const sharp = await loadSharp();
  let decoded;
  try {
    decoded = await sharp(image.bytes)
      .autoOrient()
      .resize({ width: maxPx, height: maxPx, fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (thrown) {
    throw new BridgeError("bad-input", "I could not read this image.", { cause: thrown });
  }
  const { data, info } = decoded;
  const pixels = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const isSeeThrough = info.hasAlpha && hasTransparentPixel(data, info.channels);
  const encoded = isSeeThrough
    ? await pixels.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer()
    : await pixels.removeAlpha().jpeg({ quality: jpegQuality }).toBuffer();
  return {
    mimeType: isSeeThrough ? "image/png" : "image/jpeg",
    base64: encoded.toString("base64"),
    width: info.width,
    height: info.height,
  };
}

/** Whether the alpha channel (the last of `channels`) is below fully opaque anywhere. */
function hasTransparentPixel(data: Uint8Array, channels: number): boolean {
  for (let index = channels - 1; index < data.length; index += channels) {
    if (data[index]! < 255) return true;
  }
  return false;
}
