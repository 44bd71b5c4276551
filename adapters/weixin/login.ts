import { setTimeout as sleep } from "node:timers/promises";
import { BridgeError } from "../../core/types/errors.ts";
import { createIlinkClient } from "./client.ts";
import { readLogin, writeLogin, type StoredLogin } from "./login-store.ts";

export interface LoginOptions {
  /** The fixed QR host (WEIXIN_API_BASE). */
  apiBase: string;
  dataDir: string;
  /** Shows the QR code for the text it encodes (a URL the WeChat app opens). */
  showQr: (qrText: string) => Promise<void> | void;
  /** Progress lines for the person at the terminal. */
  say: (line: string) => void;
  /** Asks for the number WeChat shows on the phone (need_verifycode). */
  askCode: (prompt: string) => Promise<string>;
  /** The whole login gives up after this (default 8 minutes). */
  timeoutMs?: number;
  /** Client-side limit of one status long poll (default 35 s). */
  statusPollMs?: number;
  /** Pause between status polls (default 1 s). */
  pollIntervalMs?: number;
  /** New QR codes after the first one expired (default 3). */
  maxRefreshes?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** Ends the login between two polls (the gateway stops). */
  signal?: AbortSignal;
}

/** scaned_but_redirect names a host; it is polled with the scheme of the configured API base (https in production). */
function redirectBase(apiBase: string, host: string): string {
  if (/^https?:\/\//.test(host)) return host;
  return `${new URL(apiBase).protocol}//${host}`;
}

/**
 * The QR login (docs/protocol.md "QR-code login", src/auth/login-qr.ts): get_bot_qrcode, then poll
 * get_qrcode_status through wait → scaned → confirmed, refreshing an expired code, asking for the
 * verification code, following a redirect; stores the bot token in DATA_DIR/weixin/login.json (600).
 */
export async function runWeixinLogin(options: LoginOptions): Promise<StoredLogin & { path: string }> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 8 * 60_000);
  const maxRefreshes = options.maxRefreshes ?? 3;
  const fixed = createIlinkClient({ baseUrl: options.apiBase, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const previous = await readLogin(options.dataDir);
  const localTokens = previous ? [previous.botToken] : [];

  const newQr = async () => {
    const qr = await fixed.getBotQrcode(localTokens);
    await options.showQr(qr.qrcode_img_content);
    options.say(`Scan this QR code with WeChat (or open ${qr.qrcode_img_content} on the phone).`);
    return qr.qrcode;
  };

  let qrcode = await newQr();
  let pollClient = fixed;
  let refreshes = 0;
  let verifyCode: string | undefined;
  let hasSaidScanned = false;

  const refresh = async (reason: string) => {
    refreshes += 1;
    if (refreshes > maxRefreshes) throw new BridgeError("timeout", `${reason}; gave up after ${maxRefreshes} new QR codes. Run the login again.`);
    options.say(`${reason}; here is a new QR code (${refreshes}/${maxRefreshes}).`);
    qrcode = await newQr();
    pollClient = fixed;
    verifyCode = undefined;
    hasSaidScanned = false;
  };

  while (now() < deadline) {
    options.signal?.throwIfAborted();
    const status = await pollClient.getQrcodeStatus(qrcode, verifyCode, Math.min(options.statusPollMs ?? 35_000, Math.max(1, deadline - now())));
    switch (status.status) {
      case "wait":
        break;
      case "scaned":
        if (!hasSaidScanned) options.say("Scanned. Confirm the login in WeChat on your phone…");
        hasSaidScanned = true;
        break;
      case "need_verifycode": {
        const code = (await options.askCode(verifyCode ? "That code did not match. Enter the number WeChat shows: " : "Enter the number WeChat shows on your phone: ")).trim();
        verifyCode = code || undefined;
        continue;
      }
      case "verify_code_blocked":
        await refresh("Too many wrong codes");
        continue;
      case "expired":
        await refresh("The QR code expired");
        continue;
      case "scaned_but_redirect":
        if (status.redirect_host) {
          pollClient = createIlinkClient({ baseUrl: redirectBase(options.apiBase, status.redirect_host), ...(options.fetch ? { fetch: options.fetch } : {}) });
          continue;
        }
        // No host named: keep polling where we are, at the usual pace (never a tight loop).
        break;
      case "binded_redirect":
        throw new BridgeError("bad-input", "This WeChat account is already bound to this bot; the stored login is kept. To start over, unbind ClawBot in WeChat first.");
      case "confirmed": {
        if (!status.bot_token || !status.ilink_bot_id) throw new BridgeError("upstream", "WeChat confirmed the login but sent no bot token or bot id.");
        const login: StoredLogin = {
          botToken: status.bot_token,
          baseUrl: status.baseurl || options.apiBase,
          botId: status.ilink_bot_id,
          ...(status.ilink_user_id ? { userId: status.ilink_user_id } : {}),
          savedAt: now(),
        };
        const path = await writeLogin(options.dataDir, login);
        return { ...login, path };
      }
      default:
        options.say(`(status ${status.status})`);
    }
    await sleep(options.pollIntervalMs ?? 1000, undefined, options.signal ? { signal: options.signal } : {});
  }
  throw new BridgeError("timeout", "The login timed out before the QR code was confirmed. Run it again.");
}
