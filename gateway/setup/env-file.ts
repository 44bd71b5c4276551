import { BridgeError } from "../../core/types/errors.ts";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";

/** The values of a `.env` file (empty when it does not exist). */
export function readEnvFile(path: string): Record<string, string> {
  return existsSync(path) ? (parseEnv(readFileSync(path, "utf8")) as Record<string, string>) : {};
}

/**
 * A value as `.env` writes it: bare when it is plain, else in the first quotes it does not contain (node's
 * `parseEnv` knows no escapes inside quotes), so that it reads back unchanged.
 */
function quoted(value: string): string {
  if (/^[\w@%+=:,./-]*$/.test(value)) return value;
  const isOneLine = !/[\r\n]/.test(value);
  if (isOneLine && !value.includes("'")) return `'${value}'`;
  if (isOneLine && !value.includes('"')) return `"${value}"`;
  if (!value.includes("`")) return `\`${value}\``;
  throw new BridgeError("bad-input", "a value that contains ', \" and ` together cannot be written to .env");
}

/**
 * Sets `updates` in the `.env` text: a variable already there is replaced on its own line (the last one wins in
 * `parseEnv`, so every line of it is replaced), new ones are appended under a comment; every other line, comments
 * included, stays as it was. An update to `undefined` removes the variable.
 */
export function mergeEnvText(text: string, updates: Record<string, string | undefined>, heading = "# Added by pincer setup"): string {
  const remaining = new Map(Object.entries(updates));
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const kept = lines.flatMap((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (name === undefined || !updates.hasOwnProperty(name)) return [line];
    const next = updates[name];
    if (next === undefined) return [];
    const isFirst = remaining.has(name);
    remaining.delete(name);
    return isFirst ? [`${name}=${quoted(next)}`] : [];
  });
  const added = [...remaining].filter((entry): entry is [string, string] => entry[1] !== undefined).map(([name, value]) => `${name}=${quoted(value)}`);
  if (added.length > 0) kept.push(...(kept.length > 0 && kept.at(-1) !== "" ? [""] : []), heading, ...added);
  return `${kept.join("\n")}\n`;
}

/** Writes the merged `.env` with mode 600 (written beside it, then renamed, so a crash leaves the old file whole). */
export function writeEnvFile(path: string, updates: Record<string, string | undefined>): void {
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, mergeEnvText(before, updates), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
