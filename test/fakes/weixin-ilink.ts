import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { startHttpFake, type HttpFake, type RecordedBase } from "./http-fake.ts";

/**
 * A fake iLink bot API and WeChat CDN on 127.0.0.1, built from Tencent/openclaw-weixin
 * docs/protocol.md: the documented headers and base_info are checked on every call, ret/errcode
 * answer errors, the QR flow follows a script, getupdates is a held long poll, context tokens expire
 * and allow a limited number of sends (ret -2 past either, as users report the real server does),
 * media goes through getuploadurl and an AES-128-ECB CDN.
 */

export interface IlinkRequest extends RecordedBase {
  body: Record<string, unknown> | undefined;
  rawBody: Buffer;
}

export type QrStep = "wait" | "scaned" | "expired" | "need_verifycode" | "verify_code_blocked" | "scaned_but_redirect" | "confirmed";

export interface FakeIlinkOptions {
  botToken?: string;
  botId?: string;
  ownerId?: string;
  contextTokenTtlMs?: number;
  sendsPerMessage?: number;
  /** How long getupdates is held when nothing is waiting (also answered as longpolling_timeout_ms). */
  longPollMs?: number;
  /** Statuses answered to get_qrcode_status, one per poll; the last one repeats. */
  qrScript?: QrStep[];
  /** The code need_verifycode accepts. */
  verifyCode?: string;
}

export interface SentRecord {
  toUserId: string;
  contextToken: string;
  clientId: string;
  item: Record<string, any>;
  at: number;
}

const encrypt = (plain: Uint8Array, key: Uint8Array) => {
  const cipher = createCipheriv("aes-128-ecb", key, null);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
};
const decrypt = (data: Uint8Array, key: Uint8Array) => {
  const decipher = createDecipheriv("aes-128-ecb", key, null);
  return Buffer.concat([decipher.update(data), decipher.final()]);
};
/** The key from media.aes_key: base64 of 16 raw bytes or of the 32-char hex string. */
export function keyFromMessage(aesKey: string): Buffer {
  const decoded = Buffer.from(aesKey, "base64");
  return decoded.length === 16 ? decoded : Buffer.from(decoded.toString("ascii"), "hex");
}

export async function startFakeIlink(options: FakeIlinkOptions = {}) {
  const botToken = options.botToken ?? "fake-bot-token-0000";
  const botId = options.botId ?? "fakebot@im.bot";
  const ownerId = options.ownerId ?? "owner@im.wechat";
  const settings = {
    contextTokenTtlMs: options.contextTokenTtlMs ?? 240_000,
    sendsPerMessage: options.sendsPerMessage ?? 10,
    longPollMs: options.longPollMs ?? 400,
    qrScript: [...(options.qrScript ?? ["wait", "scaned", "confirmed"])],
    sessionExpired: false,
    /** getupdates answers -14 until the bot calls notifystart (a session WeChat paused, not a lost login). */
    isSessionPaused: false,
  };
  let seq = 0;
  let counter = 0;
  const inbox: Record<string, any>[] = [];
  const tokens = new Map<string, { userId: string; issuedAt: number; sends: number }>();
  const latestToken = new Map<string, string>();
  const sent: SentRecord[] = [];
  const refused: SentRecord[] = [];
  const typing: { userId: string; status: number; at: number }[] = [];
  const problems: string[] = [];
  const qrcodes: string[] = [];
  const statusPolls: { qrcode: string; verifyCode: string | undefined; host: string }[] = [];
  const uploads = new Map<string, { key: Buffer; filekey: string; rawsize: number; md5: string; mediaType: number }>();
  const cdnFiles = new Map<string, Buffer>();
  const waiters = new Set<() => void>();
  const hangs = new Map<string, number>();

  const json = (response: ServerResponse, body: unknown, status = 200) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };

  /** The documented headers of an authenticated bot POST (docs/protocol.md "Request headers"). */
  const checkBotCall = (request: IlinkRequest): string | undefined => {
    const headers = request.headers;
    if (headers["content-type"] !== "application/json") return "content-type";
    if (headers["authorizationtype"] !== "ilink_bot_token") return "AuthorizationType";
    if (!/^\d+$/.test(Buffer.from(headers["x-wechat-uin"] ?? "", "base64").toString("utf8"))) return "X-WECHAT-UIN";
    if (!headers["ilink-app-id"] || !/^\d+$/.test(headers["ilink-app-clientversion"] ?? "")) return "iLink-App headers";
    const baseInfo = request.body?.["base_info"] as { channel_version?: unknown } | undefined;
    if (typeof baseInfo?.channel_version !== "string") return "base_info";
    if (headers["authorization"] !== `Bearer ${botToken}`) return "authorization";
    return undefined;
  };

  const pending = (cursor: string) => {
    const after = Number(/^cursor-(\d+)$/.exec(cursor)?.[1] ?? "0");
    return inbox.filter((message) => message["seq"] > after);
  };

  let origin = "";
  const fake: HttpFake<IlinkRequest> = await startHttpFake<IlinkRequest>({
    async describe(base, rawBody) {
      let body: Record<string, unknown> | undefined;
      if (base.headers["content-type"] === "application/json") {
        try {
          body = JSON.parse(rawBody.toString("utf8")) as Record<string, unknown>;
        } catch {
          body = undefined;
        }
      }
      return { ...base, body, rawBody };
    },
    async respond(request, { response, signal }): Promise<void> {
      const url = new URL(request.path, "http://fake");
      const path = url.pathname;
      const hangsLeft = hangs.get(path) ?? 0;
      if (hangsLeft > 0) {
        // Accepted and never answered, as a silent connection would.
        hangs.set(path, hangsLeft - 1);
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        return;
      }
      if (path === "/ilink/bot/get_bot_qrcode") {
        if (request.method !== "POST" || url.searchParams.get("bot_type") !== "3" || !Array.isArray(request.body?.["local_token_list"])) problems.push("get_bot_qrcode shape");
        const qrcode = `qr-${qrcodes.length + 1}`;
        qrcodes.push(qrcode);
        return json(response, { qrcode, qrcode_img_content: `https://liteapp.weixin.qq.com/q/${qrcode}?qrcode=${qrcode}&bot_type=3` });
      }
      if (path === "/ilink/bot/get_qrcode_status") {
        const qrcode = url.searchParams.get("qrcode") ?? "";
        const verifyCode = url.searchParams.get("verify_code") ?? undefined;
        statusPolls.push({ qrcode, verifyCode, host: request.headers["host"] ?? "" });
        if (qrcode !== qrcodes.at(-1)) return json(response, { status: "expired" });
        const step = settings.qrScript.length > 1 ? settings.qrScript.shift()! : settings.qrScript[0]!;
        if (step === "need_verifycode" && verifyCode !== undefined && verifyCode === options.verifyCode) {
          return json(response, { status: "scaned" });
        }
        if (step === "scaned_but_redirect") return json(response, { status: step, redirect_host: request.headers["host"] });
        if (step === "confirmed") return json(response, { status: step, bot_token: botToken, ilink_bot_id: botId, baseurl: origin, ilink_user_id: ownerId });
        return json(response, { status: step });
      }
      if (path === "/c2c/upload" && request.method === "POST") {
        const upload = uploads.get(url.searchParams.get("encrypted_query_param") ?? "");
        if (!upload || upload.filekey !== url.searchParams.get("filekey")) return json(response, { error: "unknown upload" }, 400);
        const plain = decrypt(request.rawBody, upload.key);
        if (plain.length !== upload.rawsize || createHash("md5").update(plain).digest("hex") !== upload.md5) return json(response, { error: "size or md5 mismatch" }, 400);
        const downloadParam = `dl-${++counter}`;
        cdnFiles.set(downloadParam, request.rawBody);
        response.writeHead(200, { "x-encrypted-param": downloadParam });
        return void response.end();
      }
      if (path === "/c2c/download" && request.method === "GET") {
        const file = cdnFiles.get(url.searchParams.get("encrypted_query_param") ?? "");
        if (!file) return json(response, { error: "not found" }, 404);
        response.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.length });
        return void response.end(file);
      }
      if (!path.startsWith("/ilink/bot/") || request.method !== "POST") return json(response, { ret: -1, errmsg: "no such route" }, 404);
      const problem = checkBotCall(request);
      if (problem) {
        problems.push(`${path}: ${problem}`);
        return json(response, { ret: -1, errcode: -1, errmsg: `bad ${problem}` });
      }
      const body = request.body ?? {};
      switch (path) {
        case "/ilink/bot/msg/notifystart":
          if (settings.sessionExpired) return json(response, { ret: -14, errcode: -14, errmsg: "session timeout" });
          settings.isSessionPaused = false;
          return json(response, { ret: 0 });
        case "/ilink/bot/msg/notifystop":
          return json(response, { ret: 0 });
        case "/ilink/bot/getupdates": {
          if (settings.sessionExpired || settings.isSessionPaused) return json(response, { ret: -14, errcode: -14, errmsg: "session timeout" });
          const cursor = String(body["get_updates_buf"] ?? "");
          if (pending(cursor).length === 0) {
            await new Promise<void>((resolve) => {
              const done = () => {
                clearTimeout(timer);
                waiters.delete(done);
                signal.removeEventListener("abort", done);
                resolve();
              };
              const timer = setTimeout(done, settings.longPollMs);
              waiters.add(done);
              signal.addEventListener("abort", done);
            });
          }
          if (signal.aborted) return;
          if (settings.sessionExpired || settings.isSessionPaused) return json(response, { ret: -14, errcode: -14, errmsg: "session timeout" });
          const msgs = pending(cursor);
          const next = msgs.length > 0 ? `cursor-${msgs.at(-1)!["seq"]}` : cursor || "cursor-0";
          return json(response, { ret: 0, msgs, get_updates_buf: next, longpolling_timeout_ms: settings.longPollMs });
        }
        case "/ilink/bot/sendmessage": {
          const msg = (body["msg"] ?? {}) as Record<string, any>;
          const record: SentRecord = { toUserId: msg["to_user_id"], contextToken: msg["context_token"], clientId: msg["client_id"], item: msg["item_list"]?.[0] ?? {}, at: Date.now() };
          const token = tokens.get(record.contextToken);
          const isFresh = token && token.userId === record.toUserId && latestToken.get(record.toUserId) === record.contextToken && Date.now() - token.issuedAt < settings.contextTokenTtlMs;
          if (!token || !isFresh || token.sends >= settings.sendsPerMessage || msg["message_type"] !== 2 || msg["item_list"]?.length !== 1) {
            refused.push(record);
            return json(response, { ret: -2, errmsg: "" });
          }
          token.sends += 1;
          sent.push(record);
          return json(response, { ret: 0, message_id: String(9_000_000 + sent.length) });
        }
        case "/ilink/bot/getconfig":
          return json(response, { ret: 0, typing_ticket: Buffer.from(`ticket-${String(body["ilink_user_id"])}`).toString("base64") });
        case "/ilink/bot/sendtyping": {
          const userId = String(body["ilink_user_id"]);
          if (body["typing_ticket"] !== Buffer.from(`ticket-${userId}`).toString("base64")) return json(response, { ret: -1, errmsg: "bad ticket" });
          typing.push({ userId, status: Number(body["status"]), at: Date.now() });
          return json(response, { ret: 0 });
        }
        case "/ilink/bot/getuploadurl": {
          const rawsize = Number(body["rawsize"]);
          const key = Buffer.from(String(body["aeskey"] ?? ""), "hex");
          if (key.length !== 16 || Number(body["filesize"]) !== Math.ceil((rawsize + 1) / 16) * 16 || !body["filekey"] || !body["to_user_id"]) {
            problems.push("getuploadurl shape");
            return json(response, { ret: -1, errmsg: "bad upload request" });
          }
          const uploadParam = `up-${++counter}`;
          uploads.set(uploadParam, { key, filekey: String(body["filekey"]), rawsize, md5: String(body["rawfilemd5"]), mediaType: Number(body["media_type"]) });
          return json(response, { ret: 0, upload_param: uploadParam });
        }
        default:
          return json(response, { ret: -1, errmsg: "unknown operation" });
      }
    },
  });

  origin = fake.origin;
  return {
    origin: fake.origin,
    cdnBase: `${fake.origin}/c2c`,
    botToken,
    botId,
    ownerId,
    settings,
    requests: fake.requests,
    sent,
    refused,
    typing,
    problems,
    qrcodes,
    statusPolls,
    waitFor: fake.waitFor,
    /** The next `times` requests to `path` (e.g. `/ilink/bot/sendmessage`) are accepted and never answered. */
    hangNext(path: string, times = 1) {
      hangs.set(path, (hangs.get(path) ?? 0) + times);
    },
    /** A user writes to the bot: a new message with a new context token. */
    push(message: { from?: string; items: Record<string, unknown>[]; messageId?: string; refMsg?: Record<string, unknown> }) {
      const from = message.from ?? ownerId;
      const contextToken = `ctx-${randomBytes(6).toString("hex")}`;
      tokens.set(contextToken, { userId: from, issuedAt: Date.now(), sends: 0 });
      latestToken.set(from, contextToken);
      seq += 1;
      const full = {
        seq,
        message_id: message.messageId ?? String(7_000_000 + seq),
        from_user_id: from,
        to_user_id: botId,
        create_time_ms: Date.now(),
        session_id: `session-${from}`,
        message_type: 1,
        message_state: 2,
        item_list: message.items,
        context_token: contextToken,
      };
      inbox.push(full);
      for (const wake of [...waiters]) wake();
      return full;
    },
    /** Redelivers an old message (as after a server hiccup). */
    redeliver(message: Record<string, any>) {
      seq += 1;
      inbox.push({ ...message, seq });
      for (const wake of [...waiters]) wake();
    },
    /** Puts bytes on the CDN as WeChat would for an inbound image or file; the key in either documented encoding. */
    addCdnFile(plain: Uint8Array, keyEncoding: "base64-raw" | "base64-hex") {
      const key = randomBytes(16);
      const param = `in-${++counter}`;
      cdnFiles.set(param, encrypt(plain, key));
      const aes_key = keyEncoding === "base64-raw" ? key.toString("base64") : Buffer.from(key.toString("hex"), "ascii").toString("base64");
      return { encrypt_query_param: param, aes_key, encrypt_type: 1 };
    },
    /** The plaintext of media a sent item references, decrypted with the key the message carries. */
    mediaOf(item: Record<string, any>): Buffer | undefined {
      const media = item["image_item"]?.media ?? item["file_item"]?.media;
      const file = media && cdnFiles.get(media.encrypt_query_param);
      return file && decrypt(file, keyFromMessage(media.aes_key));
    },
    texts: () => sent.map((record) => record.item["text_item"]?.text as string | undefined),
    /** The session notices in the order they came: "notifystart" / "notifystop", and getupdates as "poll". */
    sessionCalls: () =>
      fake.requests
        .map((request) => request.path.replace(/^\/ilink\/bot\/(msg\/)?/, ""))
        .flatMap((name) => (name === "notifystart" || name === "notifystop" ? [name] : name === "getupdates" ? ["poll"] : [])),
    getUpdatesCalls: () => fake.requests.filter((request) => request.path.startsWith("/ilink/bot/getupdates")).length,
    close: fake.close,
  };
}

export type FakeIlink = Awaited<ReturnType<typeof startFakeIlink>>;
