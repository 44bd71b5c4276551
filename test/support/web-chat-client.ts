import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type Env } from "../../core/config.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { startGateway, type Gateway, type GatewayOptions } from "../../gateway/gateway.ts";
import { collectingLog } from "./recording-logger.ts";
import { openSse, type SseEvent } from "./sse.ts";

export interface BotMessage {
  messageId: string;
  /** The part as last sent or edited. */
  part: ReplyPart;
  edits: number;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "pincer-test-"));
}

/** Starts a real gateway on an ephemeral port with a fresh data directory. */
export async function startTestGateway(env: Env = {}, options: GatewayOptions = {}) {
  const log = collectingLog();
  const gateway = await startGateway(
    // Tests stop gateways with runs still going: cut them at once, as before the shutdown grace existed.
    loadConfig({ DATA_DIR: tempDataDir(), PORT: "0", LOG_LEVEL: "info", PINCER_SHUTDOWN_GRACE_SEC: "0", ...env }),
    { logDestination: log.destination, ...options },
  );
  return { gateway, log };
}

/** The owner's credentials, as the web page sends them on every `/api/*` request. */
export function ownerAuth(gateway: Pick<Gateway, "adminToken">): Record<string, string> {
  return { authorization: `Bearer ${gateway.adminToken}` };
}

/** A person in the web chat: says things and reads what the bot shows, as the page would (with the gateway's token). */
export async function openWebChat(gateway: Gateway, conversationId = randomUUID().replaceAll("-", ""), token = gateway.adminToken) {
  const auth: Record<string, string> = { authorization: `Bearer ${token}` };
  const stream = await openSse(`${gateway.url}api/web/events?conversationId=${conversationId}`, auth);

  const botMessages = (events: readonly SseEvent[] = stream.events): BotMessage[] => {
    const byId = new Map<string, BotMessage>();
    for (const { event, data } of events) {
      const payload = data as { messageId: string; part: ReplyPart };
      if (event === "message") byId.set(payload.messageId, { messageId: payload.messageId, part: payload.part, edits: 0 });
      if (event === "edit") {
        const message = byId.get(payload.messageId);
        if (message) byId.set(payload.messageId, { ...message, part: payload.part, edits: message.edits + 1 });
      }
    }
    return [...byId.values()];
  };

  return {
    conversationId,
    events: stream.events,
    botMessages,
    texts: () => botMessages().map((message) => ("text" in message.part ? message.part.text : message.part.type)),
    async say(text: string, messageId = randomUUID().replaceAll("-", ""), attachments: string[] = []) {
      const response = await fetch(`${gateway.url}api/web/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ conversationId, messageId, text, attachments }),
      });
      return { status: response.status, body: (await response.json()) as { isDuplicate?: boolean; error?: string } };
    },
    /** Uploads a file as the page does; returns the status and, on success, the upload id. */
    async attach(bytes: Uint8Array, mimeType: string, fileName: string) {
      const response = await fetch(`${gateway.url}api/web/uploads`, {
        method: "POST",
        headers: { "content-type": mimeType, "x-file-name": encodeURIComponent(fileName), ...auth },
        body: bytes,
      });
      const body = (await response.json()) as { id?: string; error?: string };
      return { status: response.status, id: body.id, error: body.error };
    },
    waitFor: stream.waitFor,
    close: stream.close,
  };
}
