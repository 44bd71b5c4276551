import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOcr } from "../../media/image/ocr.ts";
import { fontFamiliesFor, renderTextImage } from "../support/text-image.ts";

/**
 * OCR of text set in real fonts, drawn by sharp from SVG `<text>`: that needs fonts installed
 * (`apt-get install fonts-wqy-zenhei` for Chinese; `fonts-dejavu-core`, usually present with
 * fontconfig, for Latin). The tests fail, naming the package, when one is missing.
 */
function requireFont(language: string, debianPackage: string): void {
  if (fontFamiliesFor(language).length === 0) {
    throw new Error(`No font for "${language}" (fc-list :lang=${language} is empty): apt-get install -y fontconfig ${debianPackage}`);
  }
}

const cacheDir = mkdtempSync(join(tmpdir(), "pincer-ocr-"));
const ocr = createOcr({ cacheDir });
const running = () => new AbortController().signal;

afterAll(async () => {
  await ocr.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("reading Chinese and English text in screenshots", () => {
  it("reads Simplified Chinese, without the spaces tesseract puts between characters", async () => {
    requireFont("zh-cn", "fonts-wqy-zenhei");
    const image = await renderTextImage(["今天天气很好，我们去公园散步吧。", "请检查数据库连接设置"], { width: 480, fontSizePx: 20 });
    const text = await ocr.readText({ bytes: image, mimeType: "image/png" }, running());
    expect(text).toContain("今天天气很好");
    expect(text).toContain("公园散步");
    expect(text).toContain("请检查数据库连接设置");
  });

  it("reads a screenshot that mixes English and Chinese lines, in dark mode too", async () => {
    requireFont("en", "fonts-dejavu-core");
    requireFont("zh-cn", "fonts-wqy-zenhei");
    const lines = ["Deploy failed: connection refused on port 5432", "部署失败：数据库连接被拒绝", "Retry the migration after the database restarts."];
    for (const isDark of [false, true]) {
      const image = await renderTextImage(lines, { width: 1280, fontSizePx: 15, isDark });
      const text = await ocr.readText({ bytes: image, mimeType: "image/png" }, running());
      expect(text).toContain("Deploy failed: connection refused on port 5432");
      expect(text).toContain("部署失败");
      expect(text).toContain("数据库连接被拒绝");
      expect(text).toContain("Retry the migration after the database restarts.");
    }
  });
});
