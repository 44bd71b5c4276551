import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";

export interface OutputCaptureOptions {
  /** Output up to this many characters is kept whole; past it, the head and tail halves are kept. */
  limitChars: number;
  /** Where the full output goes once it passes the limit. */
  outputsDir: string;
  /** The saved file stops growing here (a runaway `yes` must not fill the disk). */
  maxSavedBytes: number;
}

export interface CapturedOutput {
  totalChars: number;
  head: string;
  tail: string;
  /** The full output, when it was longer than the limit and could be saved. */
  savedPath?: string;
  isSavedCut: boolean;
}

export interface OutputCapture {
  /** A chunk as it arrived (stdout and stderr interleave in arrival order), raw and decoded. */
  append(raw: Buffer, text: string): void;
  /** The last few hundred characters, for a status line. */
  recent(): string;
  finish(): Promise<CapturedOutput>;
}

/**
 * Keeps what the model reads (head and tail, bounded) and, only when the output is long, spills every
 * byte to a file under `outputsDir`; short outputs never touch the disk.
 */
export function createOutputCapture(options: OutputCaptureOptions): OutputCapture {
  const half = Math.floor(options.limitChars / 2);
  let head = "";
  let tail = "";
  let totalChars = 0;
  let pending: Buffer[] = [];
  let savedBytes = 0;
  let isSavedCut = false;
  let file: WriteStream | undefined;
  let savedPath: string | undefined;
  let hasSaveFailed = false;

  function save(raw: Buffer): void {
    if (hasSaveFailed || isSavedCut) return;
    const room = options.maxSavedBytes - savedBytes;
    const piece = raw.length > room ? raw.subarray(0, room) : raw;
    if (piece.length < raw.length) isSavedCut = true;
    savedBytes += piece.length;
    file!.write(piece);
  }

  function openFile(): void {
    try {
      mkdirSync(options.outputsDir, { recursive: true });
      const name = `shell-${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}.txt`;
      savedPath = join(options.outputsDir, name);
      file = createWriteStream(savedPath);
      file.on("error", () => {
        hasSaveFailed = true;
      });
    } catch {
      hasSaveFailed = true;
    }
  }

  return {
    append(raw, text) {
      totalChars += text.length;
      if (head.length < half) {
        const taken = text.slice(0, half - head.length);
        head += taken;
        text = text.slice(taken.length);
      }
      if (text) tail = (tail + text).slice(-half);
      if (file || hasSaveFailed) {
        save(raw);
      } else {
        pending.push(raw);
        if (totalChars > options.limitChars) {
          openFile();
          for (const chunk of pending) save(chunk);
          pending = [];
        }
      }
    },
    recent() {
      return (head + tail).slice(-500);
    },
    async finish() {
      if (file) {
        const stream = file;
        await new Promise<void>((resolve) => {
          if (stream.destroyed) resolve();
          else stream.end(() => resolve());
          stream.once("error", () => resolve());
        });
      }
      const isSaved = savedPath !== undefined && !hasSaveFailed;
      return { totalChars, head, tail, ...(isSaved ? { savedPath } : {}), isSavedCut };
    },
  };
}
