import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const architecture = readFileSync(join(root, "docs/architecture.md"), "utf8");

/** Every .ts file's text under the code folders (no tests, no dependencies). */
function codeText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) texts.push(readFileSync(path, "utf8"));
    }
  };
  for (const dir of ["core", "adapters", "agents", "media", "gateway", "bin"]) walk(join(root, dir));
  return texts.join("\n");
}

const section = (heading: string) => {
  const start = architecture.indexOf(`## ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = architecture.indexOf("\n## ", start + 3);
  return architecture.slice(start, end < 0 ? undefined : end);
};

describe("docs/architecture.md names what the code has", () => {
  it("every port and factory in the ports table is declared in the code", () => {
    const table = section("Ports and their implementations").split("\n").filter((line) => line.startsWith("| `"));
    // Types (PascalCase) and factories (`createX`, or any name written as a call): field names such as `probe` are left out.
    const names = new Set(
      table.flatMap((line) =>
        [...line.matchAll(/`([A-Za-z][A-Za-z0-9]*)(\(|<|`)/g)].filter(([, name, next]) => /^[A-Z]|^create[A-Z]/.test(name!) || next === "(").map((match) => match[1]!),
      ),
    );
    expect(names.size).toBeGreaterThan(15);
    const code = codeText();
    const missing = [...names].filter((name) => !new RegExp(`\\b(?:interface|type|function|class|const)\\s+${name}\\b`).test(code));
    expect(missing).toEqual([]);
  });

  it("every file the ports table and the first new channels' list name exists", () => {
    const text = section("Ports and their implementations") + section("What adding a platform touched");
    const paths = [...text.matchAll(/`((?:core|adapters|agents|media|gateway|docs|test)\/[^`<>*]+?)`/g)].map((match) => match[1]!);
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });
});
