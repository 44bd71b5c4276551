import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createOcr } from "../../../media/image/ocr.ts";
import { renderStrokeText } from "../../support/stroke-text.ts";

const cacheDir = mkdtempSync(join(tmpdir(), "pincer-ocr-"));
const ocr = createOcr({ cacheDir });
const running = () => new AbortController().signal;
const png = (bytes: Buffer) => ({ bytes, mimeType: "image/png" });

afterAll(async () => {
  await ocr.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

// The letters are drawn as strokes, so these tests need no font package; test/system/ocr-chinese.test.ts
// reads a screenshot set in real fonts.
describe("reading the text in an image", () => {
  it("reads English words", async () => {
    const image = await renderStrokeText(["HELLO WORLD", "OPEN THE DOOR"]);
    const text = await ocr.readText(png(image), running());
    expect(text).toContain("HELLO WORLD");
    expect(text).toContain("OPEN THE DOOR");
  });

  it("reads light text on a dark background (dark mode)", async () => {
    const image = await renderStrokeText(["PRINT THE WORD"], { isDark: true });
    expect(await ocr.readText(png(image), running())).toContain("PRINT THE WORD");
  });

  it("reads small print, enlarged before recognition", async () => {
    const image = await renderStrokeText(["HELLO WORLD"], { unitPx: 1 });
    expect(await ocr.readText(png(image), running())).toContain("HELLO WORLD");
  });

  it("reads two images sent at the same time, each its own text", async () => {
    const [first, second] = await Promise.all([
      renderStrokeText(["HELLO WORLD"]).then((image) => ocr.readText(png(image), running())),
      renderStrokeText(["OPEN THE DOOR"]).then((image) => ocr.readText(png(image), running())),
    ]);
    expect(first).toBe("HELLO WORLD");
    expect(second).toBe("OPEN THE DOOR");
  });

  it("finds no text in a picture without any", async () => {
    const blank = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#ffffff" } }).png().toBuffer();
    expect(await ocr.readText(png(blank), running())).toBe("");
  });

  it("answers a file that is not an image with a sentence for the chat", async () => {
    const garbage = new TextEncoder().encode("GIF89a, or so it says");
    await expect(ocr.readText({ bytes: garbage, mimeType: "image/gif" }, running())).rejects.toMatchObject({
      code: "bad-input",
      message: "I could not read this image.",
    });
  });
});

describe("stopping a reading", () => {
  it("stops at once when the run is aborted, and reads the next image with a fresh worker", async () => {
    const page = await renderStrokeText(Array.from({ length: 30 }, () => "OPEN THE DOOR AND PRINT THE WORD"));
    const stop = new AbortController();
    const startedAt = Date.now();
    const reading = ocr.readText(png(page), stop.signal);
    setTimeout(() => stop.abort(), 100);
    await expect(reading).rejects.toMatchObject({ code: "aborted", message: "Stopped." });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(await ocr.readText(png(await renderStrokeText(["HELLO WORLD"])), running())).toBe("HELLO WORLD");
  });

  it("refuses at once when the run was already aborted", async () => {
    await expect(ocr.readText(png(await renderStrokeText(["HELLO"])), AbortSignal.abort())).rejects.toMatchObject({ code: "aborted" });
  });

  it("gives up after timeoutMs with a sentence for the chat", async () => {
    const impatient = createOcr({ cacheDir, timeoutMs: 1 });
    try {
      await expect(impatient.readText(png(await renderStrokeText(["HELLO"])), running())).rejects.toMatchObject({
        code: "timeout",
        message: "Reading the text in the image took too long; I gave up.",
      });
    } finally {
      await impatient.close();
    }
  });

  it("refuses new images once closed", async () => {
    const closed = createOcr({ cacheDir });
    await closed.close();
    await expect(closed.readText(png(await renderStrokeText(["HELLO"])), running())).rejects.toMatchObject({ code: "internal" });
  });
});
