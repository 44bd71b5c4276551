import sharp from "sharp";

/**
 * Capital letters drawn as SVG strokes on a 14-unit cap height: `[advance, path]`. Enough of them
 * to write test phrases, with no font installed (sharp renders `<text>` only with system fonts).
 */
const glyphs: Record<string, [number, string]> = {
  A: [10, "M0 14 L5 0 L10 14 M2.2 9 H7.8"],
  C: [9, "M9 2.5 A5 7 0 1 0 9 11.5"],
  D: [9, "M0 0 H3.5 A5.5 7 0 0 1 3.5 14 H0 Z"],
  E: [8, "M8 0 H0 V14 H8 M0 7 H6.5"],
  H: [9, "M0 0 V14 M9 0 V14 M0 7 H9"],
  I: [4, "M0 0 H4 M2 0 V14 M0 14 H4"],
  L: [8, "M0 0 V14 H8"],
  N: [9, "M0 14 V0 L9 14 V0"],
  O: [10, "M5 0 A5 7 0 1 0 5 14 A5 7 0 1 0 5 0 Z"],
  P: [8, "M0 14 V0 H4.5 A3.5 3.5 0 0 1 4.5 7 H0"],
  R: [8.5, "M0 14 V0 H4.5 A3.5 3.5 0 0 1 4.5 7 H0 M4 7 L8.5 14"],
  T: [10, "M0 0 H10 M5 0 V14"],
  W: [13, "M0 0 L3 14 L6.5 3 L10 14 L13 0"],
};

const letterGap = 4;
const wordGap = 7;
const lineHeight = 24;
const margin = 6;

export interface StrokeTextOptions {
  /** Pixels per unit: 3 gives letters 42 px tall. */
  unitPx?: number;
  isDark?: boolean;
}

/** A PNG of `lines` (capitals from the table above and spaces) in a plain stroke alphabet. */
export async function renderStrokeText(lines: string[], options: StrokeTextOptions = {}): Promise<Buffer> {
  const { unitPx = 3, isDark = false } = options;
  let widest = 0;
  const paths: string[] = [];
  lines.forEach((line, row) => {
    let x = margin;
    for (const letter of line) {
      if (letter === " ") {
        x += wordGap;
        continue;
      }
      const glyph = glyphs[letter];
      if (!glyph) throw new Error(`No stroke glyph for ${JSON.stringify(letter)}`);
      paths.push(`<path transform="translate(${x} ${margin + row * lineHeight})" d="${glyph[1]}"/>`);
      x += glyph[0] + letterGap;
    }
    widest = Math.max(widest, x);
  });
  const width = widest + margin;
  const height = lines.length * lineHeight + margin;
  const [background, ink] = isDark ? ["#202124", "#e8eaed"] : ["#ffffff", "#111111"];
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width * unitPx}" height="${height * unitPx}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="${background}"/>` +
    `<g fill="none" stroke="${ink}" stroke-width="1.8">${paths.join("")}</g></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
