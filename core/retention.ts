import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { PruneCounts, RetentionStore } from "./store/store.ts";
import type { Logger } from "./types/logger.ts";

const dayMs = 24 * 60 * 60 * 1000;
/** Past the retention, finished inbox rows keep their key (not their text) this long: late redeliveries stay duplicates. */
export const dedupeGraceMs = 7 * dayMs;
/** A stored copy of a file a reply carried goes this long after its last use, once no unsent part refers to it. */
export const storedFileGraceMs = dayMs;

export interface RetentionOptions {
  /** PINCER_RETENTION_DAYS; 0 keeps everything. */
  retentionDays: number;
  store: RetentionStore;
  /** Folders of files we wrote for a while (web uploads, voice replies): older files are deleted. */
  fileDirs: readonly string[];
  logger: Logger;
  now?: () => number;
  /** How often it runs after the first time (a day). */
  intervalMs?: number;
}

export interface PruneReport extends PruneCounts {
  files: number;
}

async function pruneFiles(dir: string, before: number): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile() || stats.mtimeMs >= before) continue;
    await rm(path, { force: true });
    removed += 1;
  }
  return removed;
}

/**
 * Privacy by default: messages, run events, session messages, replies, approvals and files older than
 * PINCER_RETENTION_DAYS are deleted, once at start and then daily. Usage figures (no text) are kept. Files copied
 * into the store for sending go a day after their part was sent (or given up).
 */
export function createRetention(options: RetentionOptions) {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? dayMs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function pruneOnce(): Promise<PruneReport | undefined> {
    if (options.retentionDays === 0) return undefined;
    const before = now() - options.retentionDays * dayMs;
    const counts = await options.store.prune({ before, inboxKeysBefore: before - dedupeGraceMs, storedFilesBefore: now() - storedFileGraceMs });
    let files = 0;
    for (const dir of options.fileDirs) files += await pruneFiles(dir, before);
    const report = { ...counts, files };
    if (Object.values(report).some((count) => count > 0)) options.logger.info({ pruned: report, retentionDays: options.retentionDays }, "pruned old data");
    return report;
  }

  const runLogged = () => {
    running = pruneOnce().catch((error: unknown) => options.logger.error({ err: error }, "pruning old data failed"));
    return running;
  };

  return {
    pruneOnce,
    /** Prunes now (in the background) and then every day. */
    start() {
      if (options.retentionDays === 0) return;
      void runLogged();
      timer = setInterval(runLogged, intervalMs);
      timer.unref();
    },
    /** Stops the timer and waits for a pruning under way. */
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
