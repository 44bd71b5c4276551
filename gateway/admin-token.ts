import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BridgeError } from "../core/types/errors.ts";

export type AdminToken =
  | { value: string; source: "env" }
  /** `isCreated`: this start generated it, so the URL that carries it is printed (once). */
  | { value: string; source: "file"; path: string; isCreated: boolean };

/**
 * The owner's token: PINCER_ADMIN_TOKEN when set, else the one kept in `DATA_DIR/admin-token` (mode 600),
 * generated on the first start. There is no tokenless mode: whoever can reach the port is not the owner.
 */
export function resolveAdminToken(dataDir: string, configured: string | undefined): AdminToken {
  if (configured) return { value: configured, source: "env" };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, "admin-token");
  const value = randomBytes(24).toString("base64url");
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: "wx" });
    return { value, source: "file", path, isCreated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const kept = readFileSync(path, "utf8").trim();
  if (kept.length < 16) throw new BridgeError("config", `${path}: expected an admin token of at least 16 characters; delete the file to get a new one`);
  return { value: kept, source: "file", path, isCreated: false };
}
