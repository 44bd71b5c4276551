import type sharpModule from "sharp";
import { BridgeError } from "../../core/types/errors.ts";

export type Sharp = typeof sharpModule;

/**
 * sharp (libvips) is an optional dependency: loaded on first use, so that a gateway without it
 * still starts and only images are refused, with a sentence that says how to get it.
 */
export async function loadSharp(): Promise<Sharp> {
  try {
    return (await import("sharp")).default;
  } catch (thrown) {
    throw new BridgeError(
      "unsupported",
      "I can't look at images here: the image package (sharp) is not installed. Run npm ci without --omit=optional.",
      { cause: thrown },
    );
  }
}
