import type { ServerResponse } from "node:http";

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. Text that a
 * spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
 * `'`, so a chat name like `=HYPERLINK(…)` stays text. Numbers are written as they are.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: readonly (string | number | undefined)[]): string => `${cells.map(csvCell).join(",")}\r\n`;

/**
 * Starts a download: CSV is UTF-8 with a byte-order mark (so that Excel reads Chinese names right), JSON Lines
 * plain UTF-8.
 */
export function startDownload(response: ServerResponse, kind: "csv" | "jsonl", fileName: string): void {
  response.writeHead(200, {
    "content-type": kind === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    "content-disposition": `attachment; filename="${fileName}"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  if (kind === "csv") response.write("\uFEFF");
}

/** Writes one chunk, waiting when the client reads slower than we write. */
export async function writeChunk(response: ServerResponse, chunk: string): Promise<void> {
  if (!response.write(chunk)) await new Promise<void>((resolve) => response.once("drain", () => resolve()));
}
