import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBody, sendJson } from "../kit/http-body.ts";
import type { Logger } from "../../core/types/logger.ts";
import { payloadSchema, type QqPayload } from "./inbound.ts";
import type { QqSigner } from "./signature.ts";

/** Signed timestamps older or newer than this are refused (replay protection; QQ documents no window). */
export const signatureWindowMs = 5 * 60 * 1000;
const maxBodyBytes = 1_000_000;

const validationSchema = z.object({ plain_token: z.string().min(1), event_ts: z.string().min(1) });

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
};

/** What the adapter answered for a dispatch: acknowledged (stored or a duplicate), or not stored (QQ retries). */
export type DispatchOutcome = "stored" | "not-stored";

/**
 * `POST /webhooks/qq`: every request's Ed25519 signature (X-Signature-Ed25519 over
 * X-Signature-Timestamp + raw body) is checked before its body is parsed. The URL validation (op 13) is
 * answered with the signature of event_ts + plain_token; a dispatch (op 0) is acknowledged with op 12
 * only once `onDispatch` has stored it. 401: missing, stale or wrong signature; 400: not a payload;
 * 413: too large; 503: not stored.
 */
export function createQqWebhook(deps: { signer: QqSigner; onDispatch(payload: QqPayload): Promise<DispatchOutcome>; logger: Logger; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const reject = (response: ServerResponse, status: 400 | 401 | 413 | 503, reason: string) => {
    deps.logger.warn({ status, reason }, "QQ webhook rejected");
    sendJson(response, status, { error: reason });
  };

  return async function qqWebhook(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const timestamp = header(request, "x-signature-timestamp");
    const signature = header(request, "x-signature-ed25519");
    if (!signature || !/^\d{1,12}$/.test(timestamp)) return reject(response, 401, "missing signature headers");
    if (Math.abs(now() - Number(timestamp) * 1000) > signatureWindowMs) return reject(response, 401, "stale X-Signature-Timestamp");
    if (Number(header(request, "content-length") || 0) > maxBodyBytes) return reject(response, 413, "body too large");
    let raw: Buffer;
    try {
      raw = await readBody(request, maxBodyBytes);
    } catch {
      return reject(response, 413, "body too large");
    }
    if (!deps.signer.verify(timestamp, raw, signature)) return reject(response, 401, "bad signature");
    let payload: QqPayload;
    try {
      const parsed = payloadSchema.safeParse(JSON.parse(raw.toString("utf8")));
      if (!parsed.success) return reject(response, 400, "not a QQ payload");
      payload = parsed.data;
    } catch {
      return reject(response, 400, "body is not JSON");
    }
    switch (payload.op) {
      case 13: {
        const validation = validationSchema.safeParse(payload.d);
        if (!validation.success) return reject(response, 400, "op 13 without plain_token and event_ts");
        const { plain_token: plainToken, event_ts: eventTs } = validation.data;
        return sendJson(response, 200, { plain_token: plainToken, signature: deps.signer.sign(eventTs, plainToken) });
      }
      case 0: {
        if (!payload.t) return reject(response, 400, "dispatch without an event type");
        const outcome = await deps.onDispatch(payload);
        if (outcome === "not-stored") return reject(response, 503, "not stored; retry later");
        return sendJson(response, 200, { op: 12, d: 0 });
      }
      case 1:
        // A heartbeat over HTTP is answered with op 11 and the sequence it carried (botgo's webhook handler).
        return sendJson(response, 200, { op: 11, d: typeof payload.d === "number" ? payload.d : 0 });
      default:
        return sendJson(response, 200, { op: 12, d: 0 });
    }
  };
}
