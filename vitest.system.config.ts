import { defineConfig } from "vitest/config";

/** Tests that need Debian packages (README, "Test it"): Chromium, pocketsphinx and espeak-ng, fonts for OCR. */
export default defineConfig({
  test: {
    include: ["test/system/**/*.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/system-results.json" },
    // One file at a time: the crash-stress test keeps both cores busy, and the browser tests' waits would starve beside it.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
