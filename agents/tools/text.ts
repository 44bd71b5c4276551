/** Keeps the head and the tail of `text` within `maxChars`, with a marker saying how much was cut. */
export function trimMiddle(text: string, maxChars: number, note = ""): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  const cutChars = text.length - 2 * half;
  return `${text.slice(0, half)}\n… [${cutChars.toLocaleString("en-US")} characters cut${note}] …\n${text.slice(-half)}`;
}

export function formatBytes(sizeBytes: number): string {
  if (sizeBytes < 1024) return `${sizeBytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let size = sizeBytes / 1024;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size < 10 ? size.toFixed(1) : Math.round(size)} ${units[unit]}`;
}

/** The last line with something on it (a `\r` progress bar counts as lines), shortened for a status. */
export function lastNonEmptyLine(text: string, maxChars = 200): string | undefined {
  const lines = text.split(/[\r\n]+/);
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index]!.trim();
    if (line) return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
  }
  return undefined;
}
