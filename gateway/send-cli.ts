import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../core/config.ts";

/** The gateway's address from HOST and PORT, as a client on this machine reaches it. */
function gatewayUrl(config: Pick<Config, "host" | "port">): string {
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "::1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}/`;
}

/**
 * `pincer send <channel> <chatId> <text>`: posts through the running gateway's outbox (`POST /api/admin/send`) with
 * one Idempotency-Key for every attempt, so a retry after a lost answer does not send twice.
 */
export async function sendCommand(config: Config, args: readonly string[], out: (line: string) => void): Promise<number> {
  const [channel, chatId, ...words] = args;
  const text = words.join(" ");
  if (!channel || !chatId || !text) {
    out("Usage: pincer send <channel> <chatId> <text>");
    return 2;
  }
  const tokenPath = join(config.dataDir, "admin-token");
  const token = config.adminToken ?? (existsSync(tokenPath) ? readFileSync(tokenPath, "utf8").trim() : undefined);
  if (!token) {
    out(`No admin token: set PINCER_ADMIN_TOKEN or start the gateway once (it keeps one in ${tokenPath}).`);
    return 1;
  }
  const key = randomUUID();
  const url = `${gatewayUrl(config)}api/admin/send`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": key },
        body: JSON.stringify({ channel, chatId, text }),
      });
      const body = (await response.json()) as { status?: string; error?: string; messageId?: string };
      if (response.ok) {
        out(body.status === "sent" ? `Sent (message ${body.messageId}).` : "Queued: the outbox will send it.");
        return 0;
      }
      out(`Refused (HTTP ${response.status}): ${body.error ?? "unknown error"}`);
      return 1;
    } catch (error) {
      if (attempt >= 3) {
        out(`Could not reach the gateway at ${url}: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
