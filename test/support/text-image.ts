import { spawnSync } from "node:child_process";
import sharp from "sharp";

export interface TextImageOptions {
  width?: number;
  fontSizePx?: number;
  /** A fontconfig family list; fontconfig falls back per script (a CJK font for Chinese). */
  fontFamily?: string;
  /** Light text on a dark background, like an app in dark mode. */
  isDark?: boolean;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A PNG of `lines`, one under the other, drawn by sharp (librsvg and pango) from an SVG: a made-up screenshot. */
export async function renderTextImage(lines: string[], options: TextImageOptions = {}): Promise<Buffer> {
  const { width = 1280, fontSizePx = 16, fontFamily = "DejaVu Sans, sans-serif", isDark = false } = options;
  const lineHeightPx = Math.round(fontSizePx * 1.6);
  const height = lineHeightPx * (lines.length + 1);
  const [background, ink] = isDark ? ["#1e1e1e", "#e8e8e8"] : ["#ffffff", "#202020"];
  const texts = lines.map(
    (line, index) =>
      `<text x="${fontSizePx}" y="${lineHeightPx * (index + 1)}" font-family="${fontFamily}" font-size="${fontSizePx}" fill="${ink}">${escapeXml(line)}</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/>${texts.join("")}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Font families that fontconfig has for a language ("en", "zh-cn"); empty when none or when fontconfig is missing. */
export function fontFamiliesFor(language: string): string[] {
  const listed = spawnSync("fc-list", [`:lang=${language}`, "family"], { encoding: "utf8" });
  if (listed.status !== 0) return [];
  return listed.stdout.split("\n").map((line) => line.trim()).filter(Boolean);
}
