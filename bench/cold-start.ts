import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor200 } from "./http-get.ts";
import { processRssBytes } from "./memory.ts";

export interface ColdStart {
  /** From spawning `node dist/bin/pincer.js start` (what `npm start` runs after its build) to its first /readyz 200. */
  readyMs: number;
  /** The process's RSS after `idleMs` without traffic; undefined off Linux. */
  idleRssBytes: number | undefined;
}

/**
 * Starts Pincer as a user would, as its own process, with a fresh data directory as working
 * directory (so no `.env` is read) and only the variables the bench sets.
 */
export async function measureColdStart(entry: string, dataDir: string, idleMs: number, timeoutMs: number): Promise<ColdStart> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ["--enable-source-maps", entry, "start"], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(child, "exit");
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(() => reject(new Error(`pincer start printed no URL within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const found = /running at (http:\S+)/.exec(stdout)?.[1];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`pincer start exited with ${code}: ${stderr}`));
      });
    });
    if (!(await waitFor200(`${url}readyz`, Math.ceil(timeoutMs / 10), 10))) throw new Error("pincer start never became ready");
    const readyMs = performance.now() - startedAt;
    await sleep(idleMs);
    return { readyMs, idleRssBytes: processRssBytes(child.pid!) };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killTimer);
    }
  }
}
