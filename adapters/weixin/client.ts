import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import { callTimedOut } from "../kit/call-timeout.ts";
import {
  botAgent,
  getConfigResponseSchema,
  getUpdatesResponseSchema,
  getUploadUrlResponseSchema,
  messageType,
  protocolVersion,
  qrCodeResponseSchema,
  qrStatusSchema,
  resultSchema,
  sendMessageResponseSchema,
  sessionNoticePaths,
  sessionExpiredCode,
  type OutboundItem,
  type QrStatus,
} from "./protocol.ts";

/** A JSON answer with a non-zero `ret` or `errcode`. */
export class IlinkError extends Error {
  readonly code: number;
  constructor(operation: string, code: number, errmsg: string | undefined) {
    super(`${operation}: ret/errcode ${code}${errmsg ? ` (${errmsg})` : ""}`);
    this.name = "IlinkError";
    this.code = code;
  }
  get isSessionExpired(): boolean {
    return this.code === sessionExpiredCode;
  }
}

export interface IlinkClientOptions {
  baseUrl: string;
  token?: string;
  /** Timeout of ordinary calls (not the long poll). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** iLink-App-ClientVersion: the version as 0x00MMNNPP, sent in decimal (src/api/api.ts buildClientVersion). */
export function clientVersionHeader(version: string): string {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  return String(((major & 0xff) << 16) | ((minor & 0xff) << 8) | (patch & 0xff));
}

/** X-WECHAT-UIN: a random uint32, in decimal, base64-encoded; new on every request. */
export function randomWechatUin(): string {
  return Buffer.from(String(randomBytes(4).readUInt32BE(0)), "utf8").toString("base64");
}

const commonHeaders = (): Record<string, string> => ({
  "iLink-App-Id": "bot",
  "iLink-App-ClientVersion": clientVersionHeader(protocolVersion),
});

const baseInfo = { channel_version: protocolVersion, bot_agent: botAgent };

function checkResult(operation: string, body: { ret?: number | undefined; errcode?: number | undefined; errmsg?: string | undefined }): void {
  const code = body.errcode && body.errcode !== 0 ? body.errcode : body.ret && body.ret !== 0 ? body.ret : 0;
  if (code !== 0) throw new IlinkError(operation, code, body.errmsg);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

const isTimeout = (error: unknown) => error instanceof BridgeError && error.code === "timeout";

/** A small HTTP JSON client for the iLink bot API: one method per documented operation. */
export function createIlinkClient(options: IlinkClientOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const base = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;

  const request = async (
    operation: string,
    init: { method: "GET" | "POST"; path: string; body?: unknown; isAuthed: boolean; timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<unknown> => {
    const headers: Record<string, string> = { ...commonHeaders() };
    if (init.method === "POST") {
      headers["content-type"] = "application/json";
      headers["AuthorizationType"] = "ilink_bot_token";
      headers["X-WECHAT-UIN"] = randomWechatUin();
      if (init.isAuthed && options.token) headers["Authorization"] = `Bearer ${options.token}`;
    }
    const deadline = AbortSignal.timeout(init.timeoutMs);
    const signals = [deadline, ...(init.signal ? [init.signal] : [])];
    let response: Response;
    try {
      response = await fetchImpl(new URL(init.path, base), {
        method: init.method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      // Past the deadline (and not stopped by the caller): a retryable "timeout".
      if (deadline.aborted && !init.signal?.aborted) throw callTimedOut(`iLink ${operation}`, init.timeoutMs, error);
      if (isAbort(error)) throw error;
      throw new BridgeError("upstream", `iLink ${operation}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const text = await response.text();
    if (response.status === 429) {
      const retryAfterSec = Number(response.headers.get("retry-after") ?? "60");
      throw new BridgeError("rate-limited", "WeChat is limiting how fast I can send.", { retryAfterMs: (Number.isFinite(retryAfterSec) ? retryAfterSec : 60) * 1000 });
    }
    if (!response.ok) throw new BridgeError("upstream", `iLink ${operation}: HTTP ${response.status}`);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new BridgeError("upstream", `iLink ${operation}: the answer is not JSON`, { cause: error });
    }
  };

  const post = async <S extends z.ZodType>(operation: string, path: string, schema: S, body: Record<string, unknown>, extra: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<z.infer<S>> => {
    const raw = await request(operation, { method: "POST", path, body: { ...body, base_info: baseInfo }, isAuthed: true, timeoutMs: extra.timeoutMs ?? timeoutMs, signal: extra.signal });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new BridgeError("upstream", `iLink ${operation}: unexpected answer`, { cause: parsed.error });
    checkResult(operation, parsed.data as { ret?: number; errcode?: number; errmsg?: string });
    return parsed.data;
  };

  return {
    /**
     * The long poll. A client-side timeout is normal control flow: it answers an empty batch with
     * the same cursor (src/api/api.ts getUpdates).
     */
    async getUpdates(cursor: string, longPollMs: number, signal?: AbortSignal) {
      try {
        return await post("getupdates", "ilink/bot/getupdates", getUpdatesResponseSchema, { get_updates_buf: cursor }, { timeoutMs: longPollMs + 5_000, ...(signal ? { signal } : {}) });
      } catch (error) {
        if (isTimeout(error) && !signal?.aborted) return { ret: 0, msgs: [], get_updates_buf: cursor };
        throw error;
      }
    },
    async sendMessage(toUserId: string, contextToken: string, clientId: string, item: OutboundItem) {
      return post("sendmessage", "ilink/bot/sendmessage", sendMessageResponseSchema, {
        msg: {
          from_user_id: "",
          to_user_id: toUserId,
          client_id: clientId,
          message_type: messageType.bot,
          message_state: 2,
          item_list: [item],
          context_token: contextToken,
        },
      });
    },
    async getConfig(userId: string, contextToken: string | undefined) {
      return post("getconfig", "ilink/bot/getconfig", getConfigResponseSchema, { ilink_user_id: userId, ...(contextToken ? { context_token: contextToken } : {}) }, { timeoutMs: 10_000 });
    },
    async sendTyping(userId: string, typingTicket: string, status: number) {
      await post("sendtyping", "ilink/bot/sendtyping", getConfigResponseSchema, { ilink_user_id: userId, typing_ticket: typingTicket, status }, { timeoutMs: 10_000 });
    },
    /** Tells WeChat the bot is listening: after a login, at start, and to revive a session that answered -14. */
    async notifyStart(signal?: AbortSignal) {
      await post("notifystart", sessionNoticePaths.start, resultSchema, {}, { timeoutMs: 10_000, ...(signal ? { signal } : {}) });
    },
    /** Tells WeChat the bot stops listening (shutdown). */
    async notifyStop() {
      await post("notifystop", sessionNoticePaths.stop, resultSchema, {}, { timeoutMs: 5_000 });
    },
    async getUploadUrl(body: { filekey: string; media_type: number; to_user_id: string; rawsize: number; rawfilemd5: string; filesize: number; aeskey: string }) {
      return post("getuploadurl", "ilink/bot/getuploadurl", getUploadUrlResponseSchema, { ...body, no_need_thumb: true });
    },
    /** Unauthenticated: starts a QR login (docs/protocol.md "Get a QR code"). */
    async getBotQrcode(localTokens: string[]) {
      const raw = await request("get_bot_qrcode", { method: "POST", path: "ilink/bot/get_bot_qrcode?bot_type=3", body: { local_token_list: localTokens.slice(-10) }, isAuthed: false, timeoutMs });
      const parsed = qrCodeResponseSchema.safeParse(raw);
      if (!parsed.success) throw new BridgeError("upstream", "iLink get_bot_qrcode: unexpected answer", { cause: parsed.error });
      checkResult("get_bot_qrcode", parsed.data);
      return parsed.data;
    },
    /** Unauthenticated long poll of the QR status; a client timeout reads as "wait". */
    async getQrcodeStatus(qrcode: string, verifyCode: string | undefined, longPollMs: number): Promise<QrStatus> {
      const query = `qrcode=${encodeURIComponent(qrcode)}${verifyCode ? `&verify_code=${encodeURIComponent(verifyCode)}` : ""}`;
      try {
        const raw = await request("get_qrcode_status", { method: "GET", path: `ilink/bot/get_qrcode_status?${query}`, isAuthed: false, timeoutMs: longPollMs });
        const parsed = qrStatusSchema.safeParse(raw);
        if (!parsed.success) throw new BridgeError("upstream", "iLink get_qrcode_status: unexpected answer", { cause: parsed.error });
        return parsed.data;
      } catch (error) {
        if (isTimeout(error) || isAbort(error)) return { status: "wait" };
        throw error;
      }
    },
  };
}

export type IlinkClient = ReturnType<typeof createIlinkClient>;
