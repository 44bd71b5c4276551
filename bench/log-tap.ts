import { Writable } from "node:stream";

/** A log destination for the gateway that keeps only a count and the first few lines. */
export function createLogTap(keptLineCount = 5) {
  const kept: string[] = [];
  let lineCount = 0;
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) {
        if (!line) continue;
        lineCount += 1;
        if (kept.length < keptLineCount) kept.push(line);
      }
      done();
    },
  });
  return { destination, lineCount: () => lineCount, kept };
}
