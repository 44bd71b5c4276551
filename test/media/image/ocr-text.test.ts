import { describe, expect, it } from "vitest";
import { ocrScale } from "../../../media/image/ocr-input.ts";
import { tidyOcrText } from "../../../media/image/ocr-text.ts";

describe("tidying tesseract's text", () => {
  it("removes the spaces tesseract puts between Chinese characters and before full-width punctuation", () => {
    expect(tidyOcrText("今天 天 气 很 好 ， 我 们 去 公园 散步 吧 。")).toBe("今天天气很好，我们去公园散步吧。");
  });

  it("removes the spaces around ASCII punctuation between Chinese characters", () => {
    expect(tidyOcrText("部署失败 : 数据库连接被拒绝 ,请检查")).toBe("部署失败:数据库连接被拒绝,请检查");
  });

  it("keeps the spaces between Chinese and Latin words, and between Latin words", () => {
    expect(tidyOcrText("请 用 Pincer 连接 Slack 和 飞书")).toBe("请用 Pincer 连接 Slack 和飞书");
  });

  it("collapses runs of spaces, trims lines and keeps at most one blank line between paragraphs", () => {
    expect(tidyOcrText("  Deploy   failed:\tport 5432  \n\n\n\nRetry  later \n")).toBe("Deploy failed: port 5432\n\nRetry later");
  });

  it("gives an empty string for whitespace only", () => {
    expect(tidyOcrText(" \n \n")).toBe("");
  });
});

describe("the scale an image is read at", () => {
  it("enlarges small images, at most three times", () => {
    expect(ocrScale(800, 400)).toBe(2);
    expect(ocrScale(200, 40)).toBe(3);
  });

  it("leaves screenshots as they are", () => {
    expect(ocrScale(1920, 1080)).toBe(1);
    expect(ocrScale(2880, 1800)).toBe(1);
  });

  it("shrinks huge images to about twelve megapixels", () => {
    const scale = ocrScale(6000, 4000);
    expect(6000 * scale * 4000 * scale).toBeCloseTo(12_000_000, -3);
  });
});
