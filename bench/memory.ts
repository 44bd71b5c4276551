import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** `gc()` even when node was started without `--expose-gc` (as `npm run bench` does). */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

export interface SettledMemory {
  rssBytes: number;
  /** JS heap in use: growth here is a leak, growth of RSS alone is memory the allocator kept. */
  heapUsedBytes: number;
}

/** This process's memory after `idleMs` of idling and two full collections. */
export async function settledMemory(idleMs: number): Promise<SettledMemory> {
  const gc = exposeGc();
  await sleep(idleMs);
  gc();
  await sleep(10);
  gc();
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
}

/** RSS of another process, from /proc (Linux); undefined elsewhere. */
export function processRssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) * 1024;
  } catch {
    return undefined;
  }
}
