import { BridgeError } from "../../core/types/errors.ts";
import type { Sharp } from "./load-sharp.ts";

/** Smaller images are enlarged (up to `maxUpscale` times) so that small print gets enough pixels per letter. */
const minLongestPx = 1600;
const maxUpscale = 3;
/** Larger images are shrunk to about this many pixels: recognition time grows with the area. */
const maxPixels = 12_000_000;
/** Below this mean grey level the picture is taken for light text on a dark background (dark mode). */
const darkMean = 110;

/** The scale that brings an image of `width` × `height` into the range tesseract reads well and fast. */
export function ocrScale(width: number, height: number): number {
  const longest = Math.max(width, height);
  const pixels = width * height;
  if (pixels > maxPixels) return Math.sqrt(maxPixels / pixels);
  if (longest < minLongestPx) return Math.min(maxUpscale, minLongestPx / longest, Math.sqrt(maxPixels / pixels));
  return 1;
}

/**
 * The image as tesseract reads it best: upright, grey, dark text on a light background, scaled by
 * `ocrScale`, as a PNG (lossless: JPEG ringing around letters costs accuracy).
 */
export async function toOcrInput(sharp: Sharp, bytes: Uint8Array): Promise<Buffer> {
  try {
    const image = sharp(bytes).autoOrient();
    const { autoOrient } = await image.metadata();
    const scale = ocrScale(autoOrient.width, autoOrient.height);
    const width = Math.max(1, Math.round(autoOrient.width * scale));
    const height = Math.max(1, Math.round(autoOrient.height * scale));
    const { data, info } = await image
      .flatten({ background: "#ffffff" })
      .grayscale()
      .resize({ width, height, fit: "fill", kernel: "lanczos3" })
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    const grey = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    const isDark = meanOf(data) < darkMean;
    return await (isDark ? grey.negate() : grey).png({ compressionLevel: 1 }).toBuffer();
  } catch (thrown) {
    throw new BridgeError("bad-input", "I could not read this image.", { cause: thrown });
  }
}

function meanOf(data: Uint8Array): number {
  let sum = 0;
  for (const value of data) sum += value;
  return data.length === 0 ? 255 : sum / data.length;
}
