import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOcr } from "../../../media/image/ocr.ts";
import { renderStrokeText } from "../../support/stroke-text.ts";

const cacheDir = mkdtempSync(join(tmpdir(), "pincer-ocr-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A worker thread shows as one active MessagePort; alone in its file, this test counts its own. */
const workerPorts = () => process.getActiveResourcesInfo().filter((resource) => resource === "MessagePort").length;

describe("the OCR worker's lifetime", () => {
  it("ends the worker thread after idleMs without images, and starts another for the next image", async () => {
    const before = workerPorts();
    const ocr = createOcr({ cacheDir, idleMs: 100 });
    try {
      const image = { bytes: await renderStrokeText(["HELLO"]), mimeType: "image/png" };
      expect(await ocr.readText(image, new AbortController().signal)).toBe("HELLO");
      expect(workerPorts()).toBe(before + 1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(workerPorts()).toBe(before);
      expect(await ocr.readText(image, new AbortController().signal)).toBe("HELLO");
    } finally {
      await ocr.close();
    }
    expect(workerPorts()).toBe(before);
  });
});
