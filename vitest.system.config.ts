import { defineConfig } from "vitest/config";

/** Tests that need Debian packages (README, "Test it"): Chromium, pocketsphinx and espeak-ng, fonts for OCR. */
export default defineConfig({
  test: {
    include: ["test/system/**/*.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/system-results.json" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
