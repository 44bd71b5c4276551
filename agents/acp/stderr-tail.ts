/** The last lines a process wrote, for the log when it dies: bounded in lines and in characters per line. */
export interface LineTail {
  push(text: string): void;
  lines(): string[];
}

export function createLineTail(maxLines = 40, maxLineChars = 500): LineTail {
  const kept: string[] = [];
  let partial = "";
  const keep = (line: string) => {
    if (!line.trim()) return;
    kept.push(line.length > maxLineChars ? `${line.slice(0, maxLineChars - 1)}…` : line);
    if (kept.length > maxLines) kept.shift();
  };
  return {
    push(text) {
      const pieces = (partial + text).split(/\r?\n/);
      partial = pieces.pop() ?? "";
      // A line that never ends must not grow without bound either.
      if (partial.length > maxLineChars * 4) partial = partial.slice(-maxLineChars);
      for (const piece of pieces) keep(piece);
    },
    lines: () => (partial.trim() ? [...kept, partial].slice(-maxLines) : [...kept]),
  };
}
