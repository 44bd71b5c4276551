import { copyFile, mkdir, rename, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Worker as Thread } from "node:worker_threads";
import type { Worker as TesseractWorker } from "tesseract.js";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { abortableWait } from "../../core/abortable.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { loadSharp } from "./load-sharp.ts";
import { toOcrInput } from "./ocr-input.ts";
import { tidyOcrText } from "./ocr-text.ts";

export interface OcrOptions {
  /** A writable directory of our own (e.g. `$DATA_DIR/ocr`): the language data is gathered here. */
  cacheDir: string;
  /** One recognition, worker start included, gives up after this. */
  timeoutMs?: number;
  /** The worker thread ends after this long without an image, giving its memory back. */
  idleMs?: number;
}

export interface Ocr {
  /** The text in an image (English and Simplified Chinese), tidied; "" when there is none. */
  readText(image: Pick<FetchedMedia, "bytes" | "mimeType">, signal: AbortSignal): Promise<string>;
  /** Ends the worker thread; safe to call twice. */
  close(): Promise<void>;
}

interface Engine {
  worker: TesseractWorker;
  /** Rejects when the worker thread dies under us (a WebAssembly crash, out of memory). */
  died: Promise<never>;
  /** Resolves when the worker thread is gone. */
  exited: Promise<unknown>;
}

const languages = ["eng", "chi_sim"] as const;
/** LSTM-only integer models: what tesseract.js itself picks for its default engine, and the smallest. */
const modelFolder = "4.0.0_best_int";
const lstmOnly = 1; // tesseract.js OEM.LSTM_ONLY

/**
 * OCR with tesseract.js, offline: the language data comes from the @tesseract.js-data packages and
 * the WebAssembly core from tesseract.js-core, both in node_modules. One worker thread, started on
 * the first image (about 0.4 s; it holds some 150–200 MB once it has read a screenshot), kept for
 * the next ones and ended after `idleMs` without any; images are read one at a time. A recognition
 * that times out or is aborted ends the worker (WebAssembly cannot be interrupted); the next image
 * starts a new one.
 */
export function createOcr(options: OcrOptions): Ocr {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const idleMs = options.idleMs ?? 10 * 60_000;
  let engine: Promise<Engine> | undefined;
  let turn: Promise<unknown> = Promise.resolve();
  let stopped: Promise<void> = Promise.resolve();
  let isClosed = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const startEngine = (): Promise<Engine> => {
    engine ??= createEngine(options.cacheDir).catch((thrown: unknown) => {
      engine = undefined;
      throw thrown;
    });
    return engine;
  };

  /** Ends the current worker, if any; resolves when every worker ended so far is gone. */
  const stopEngine = (): Promise<void> => {
    const current = engine;
    engine = undefined;
    if (current) {
      const ending = current
        .then(async (started) => {
          await started.worker.terminate(); // resolves before the thread is gone
          await started.exited;
        })
        .catch(() => undefined);
      stopped = Promise.all([stopped, ending]).then(() => undefined);
    }
    return stopped;
  };

  const recognize = async (input: Buffer, signal: AbortSignal): Promise<string> => {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutMs);
    const deadline = AbortSignal.any([signal, timer.signal]);
    try {
      const { worker, died } = await abortableWait(startEngine(), deadline);
      const result = await abortableWait(Promise.race([worker.recognize(input), died]), deadline);
      return result.data.text;
    } catch (thrown) {
      if (!deadline.aborted && thrown instanceof BridgeError) throw thrown;
      void stopEngine(); // stuck, dead or confused: the next image gets a fresh worker
      if (signal.aborted) throw abortedError(thrown);
      if (deadline.aborted) throw new BridgeError("timeout", "Reading the text in the image took too long; I gave up.", { cause: thrown });
      throw new BridgeError("internal", "I could not read the text in this image.", { cause: thrown });
    } finally {
      clearTimeout(timeout);
    }
  };

  const read = async (bytes: Uint8Array, signal: AbortSignal): Promise<string> => {
    const input = await toOcrInput(await loadSharp(), bytes);
    // One recognition at a time: the worker runs them in order anyway, and a timeout then ends only its own.
    const run = turn.then(async () => {
      if (signal.aborted) throw abortedError(signal.reason);
      if (isClosed) throw closedError();
      clearTimeout(idleTimer);
      try {
        return await recognize(input, signal);
      } finally {
        idleTimer = setTimeout(() => void stopEngine(), idleMs);
        idleTimer.unref();
      }
    });
    turn = run.catch(() => undefined);
    return run;
  };

  return {
    async readText(image, signal) {
      if (isClosed) throw closedError();
      return tidyOcrText(await abortableWait(read(image.bytes, signal), signal));
    },
    async close() {
      isClosed = true;
      clearTimeout(idleTimer);
      await stopEngine();
    },
  };
}

async function createEngine(cacheDir: string): Promise<Engine> {
  const tesseract = await loadTesseract();
  const langPath = await gatherLanguageData(cacheDir);
  let worker: TesseractWorker | undefined;
  try {
    worker = await tesseract.createWorker([...languages], lstmOnly, {
      langPath,
      cachePath: langPath,
      cacheMethod: "none", // read the packaged data each start; write nothing next to it
      gzip: true,
      // Without a handler tesseract.js rethrows a failed job inside its message listener, an uncaught exception.
      errorHandler: () => undefined,
    });
    // Our PNGs carry no real resolution; without one tesseract guesses, and prints a warning per image.
    await worker.setParameters({ user_defined_dpi: "300" });
    // tesseract.js keeps its worker thread as an untyped `worker` property.
    const thread = (worker as { worker?: unknown }).worker;
    const isRunning = thread instanceof Thread && thread.threadId !== -1; // -1 once the thread has exited
    const exited = isRunning ? new Promise<number>((resolve) => thread.once("exit", resolve)) : Promise.resolve(0);
    const died = new Promise<never>((_, reject) => {
      if (!isRunning) return;
      thread.once("error", reject);
      void exited.then((code) => reject(new Error(`The OCR worker exited (code ${code}).`)));
    });
    died.catch(() => undefined);
    return { worker, died, exited };
  } catch (thrown) {
    await worker?.terminate();
    throw new BridgeError("internal", "I could not start the text reader (OCR).", { cause: thrown });
  }
}

async function loadTesseract(): Promise<typeof import("tesseract.js")> {
  try {
    return (await import("tesseract.js")).default;
  } catch (thrown) {
    throw new BridgeError(
      "unsupported",
      "I can't read text in images here: the OCR package (tesseract.js) is not installed. Run npm ci without --omit=optional.",
      { cause: thrown },
    );
  }
}

/**
 * tesseract.js reads every language from one folder, and the packages keep one folder each: the
 * gzipped models are copied into `cacheDir/tessdata` (about 5 MB, once; again if a package changes size).
 */
async function gatherLanguageData(cacheDir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  let sources: string[];
  try {
    sources = languages.map((language) =>
      join(dirname(require.resolve(`@tesseract.js-data/${language}/package.json`)), modelFolder, `${language}.traineddata.gz`),
    );
    await Promise.all(sources.map((source) => stat(source)));
  } catch (thrown) {
    throw new BridgeError(
      "unsupported",
      "I can't read text in images here: the OCR language data (@tesseract.js-data/eng, @tesseract.js-data/chi_sim) is not installed. Run npm ci without --omit=optional.",
      { cause: thrown },
    );
  }
  const folder = join(cacheDir, "tessdata");
  try {
    await mkdir(folder, { recursive: true });
    for (const source of sources) {
      const target = join(folder, basename(source));
      const [sourceStat, targetStat] = await Promise.all([stat(source), stat(target).catch(() => undefined)]);
      if (targetStat?.size === sourceStat.size) continue;
      const partial = `${target}.${process.pid}.partial`;
      await copyFile(source, partial);
      await rename(partial, target);
    }
  } catch (thrown) {
    throw new BridgeError("internal", `I could not prepare the OCR language data in ${folder}.`, { cause: thrown });
  }
  return folder;
}

/** `work`, or an "aborted" BridgeError as soon as `signal` aborts (the work goes on; its outcome is ignored). */
function closedError(): BridgeError {
  return new BridgeError("internal", "The text reader has been closed.");
}

function abortedError(cause: unknown): BridgeError {
  return new BridgeError("aborted", "Stopped.", { cause });
}
