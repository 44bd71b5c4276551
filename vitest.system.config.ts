import { defineConfig } from "vitest/config";

/** System tests: the real gateway driven through a real headless Chromium (`apt-get install chromium`). */
export default defineConfig({
  test: {
    include: ["test/system/**/*.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/system-results.json" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
