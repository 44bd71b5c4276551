import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

// The PostgreSQL driver is a database client like node:sqlite, so core/ may use it (boundary.test.ts forbids SDKs
// and the web framework, not drivers), but only the PostgreSQL store does: every other part sees the store's ports.
describe("the pg driver", () => {
  it("is imported only by core/store/postgres", () => {
    const importers = ["core", "gateway", "adapters", "agents", "media", "bin"]
      .flatMap((folder) => sources(join(root, folder)))
      .filter((path) => /\bfrom\s*["']pg["']|import\(\s*["']pg["']\s*\)/.test(readFileSync(path, "utf8")))
      .map((path) => relative(root, path).split("\\").join("/"));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((path) => !path.startsWith("core/store/postgres/"))).toEqual([]);
  });
});
