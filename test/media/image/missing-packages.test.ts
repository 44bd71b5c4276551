import { afterEach, describe, expect, it, vi } from "vitest";
import { renderStrokeText } from "../../support/stroke-text.ts";

const missing = (name: string) => () => {
  throw Object.assign(new Error(`Cannot find package '${name}'`), { code: "ERR_MODULE_NOT_FOUND" });
};

afterEach(() => {
  vi.doUnmock("sharp");
  vi.doUnmock("tesseract.js");
  vi.resetModules();
});

describe("without the optional image packages", () => {
  it("refuses images with a sentence that names sharp", async () => {
    vi.doMock("sharp", missing("sharp"));
    const { prepareImage } = await import("../../../media/image/downscale.ts");
    await expect(prepareImage({ bytes: new Uint8Array(8), mimeType: "image/png" }, 1568)).rejects.toMatchObject({
      code: "unsupported",
      message: expect.stringContaining("(sharp) is not installed"),
    });
  });

  it("refuses OCR with a sentence that names tesseract.js", async () => {
    const image = await renderStrokeText(["HELLO"]);
    vi.doMock("tesseract.js", missing("tesseract.js"));
    const { createOcr } = await import("../../../media/image/ocr.ts");
    const ocr = createOcr({ cacheDir: "/nonexistent" });
    await expect(ocr.readText({ bytes: image, mimeType: "image/png" }, new AbortController().signal)).rejects.toMatchObject({
      code: "unsupported",
      message: expect.stringContaining("(tesseract.js) is not installed"),
    });
    await ocr.close();
  });
});
