import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Logger } from "../../core/types/logger.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import type { Step } from "./outbound.ts";
import type { WindowStore } from "./window-store.ts";

/** Plain text as markdown that reads back as the same text (core/plain-text.ts), for a parked text step. */
const escapeMarkdown = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!|>~<&]/g, "\\$&");

const partOf = (step: Step): ReplyPart =>
  step.kind === "text" ? { type: "markdown", text: escapeMarkdown(step.text) } : { type: step.as, media: step.media };

/**
 * Earlier versions of ClawBot kept its state in a second database, `DATA_DIR/weixin/state.db`: its cursor, reply windows
 * and undelivered parked steps move into the main store once, and the file is renamed `state.db.imported`.
 */
export async function importStateDb(dataDir: string, store: WindowStore, logger: Logger): Promise<void> {
  const path = join(dataDir, "weixin", "state.db");
  if (!existsSync(path)) return;
  const database = new DatabaseSync(path);
  try {
    const cursor = database.prepare("SELECT value FROM cursor WHERE id = 1").get() as { value: string } | undefined;
    if (cursor) await store.saveCursor(cursor.value);
    const windows = database.prepare("SELECT user_id, context_token, opened_at, sends_used FROM windows").all() as {
      user_id: string; context_token: string; opened_at: number; sends_used: number;
    }[];
    for (const row of windows) {
      await store.saveWindow(row.user_id, { contextToken: row.context_token, openedAt: Number(row.opened_at), sendsUsed: Number(row.sends_used) });
    }
    const parked = database.prepare("SELECT user_id, step FROM parked WHERE delivered_at IS NULL ORDER BY id").all() as { user_id: string; step: string }[];
    for (const row of parked) await store.park(row.user_id, partOf(JSON.parse(row.step) as Step));
    logger.info({ windows: windows.length, parked: parked.length }, "moved ClawBot's state.db into the main store");
  } finally {
    database.close();
  }
  renameSync(path, `${path}.imported`);
}
