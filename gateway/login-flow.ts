import QRCode from "qrcode";
import type { LoginIo } from "../core/types/channel.ts";
import { toBridgeError } from "../core/types/errors.ts";
import type { Logger } from "../core/types/logger.ts";

export type LoginState = "idle" | "waiting-for-scan" | "waiting-for-code" | "logged-in" | "failed";

export interface LoginStatus {
  state: LoginState;
  /** What the QR code encodes, and the code as SVG for the admin page, while a scan is awaited. */
  qr?: string;
  qrSvg?: string;
  /** The progress lines the CLI would print. */
  messages: string[];
  botId?: string;
  error?: string;
}

export interface LoginFlow {
  /** Starts a login unless one is running; the status says where it is. */
  start(): LoginStatus;
  status(): LoginStatus;
  /** The number WeChat shows on the phone, when it asks for one; false when none is asked. */
  submitCode(code: string): boolean;
  /** Ends a running login (the gateway stops). */
  close(): Promise<void>;
}

/**
 * A platform's QR login (`pincer weixin login` for ClawBot), run by the gateway for the admin API: the
 * same flow, with the code shown on the admin page instead of the terminal. `onLoggedIn` connects the
 * channel without a restart.
 */
export function createLoginFlow(options: {
  /** As people call the platform, for the log. */
  displayName: string;
  /** The platform's login (its descriptor's `login.run`, with its settings). */
  run: (io: LoginIo) => Promise<{ botId: string }>;
  dataDir: string;
  logger: Logger;
  onLoggedIn: () => Promise<void>;
}): LoginFlow {
  let current: LoginStatus = { state: "idle", messages: [] };
  let running: Promise<void> | undefined;
  let answerCode: ((code: string) => void) | undefined;
  const lifetime = new AbortController();

  const run = async () => {
    try {
      const login = await options.run({
        dataDir: options.dataDir,
        signal: lifetime.signal,
        // A status poll is held open for half a minute: stopping must not wait for it.
        fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, lifetime.signal]) : lifetime.signal }),
        say: (line) => {
          current = { ...current, messages: [...current.messages, line].slice(-20) };
        },
        showQr: async (text) => {
          current = { ...current, state: "waiting-for-scan", qr: text, qrSvg: await QRCode.toString(text, { type: "svg", margin: 2 }) };
        },
        askCode: (prompt) => {
          current = { ...current, state: "waiting-for-code", messages: [...current.messages, prompt.trim()] };
          return new Promise<string>((resolve) => {
            answerCode = (code) => {
              answerCode = undefined;
              current = { ...current, state: "waiting-for-scan" };
              resolve(code);
            };
          });
        },
      });
      current = { state: "logged-in", messages: [...current.messages, `Logged in as bot ${login.botId}.`], botId: login.botId };
      options.logger.info({ botId: login.botId }, `${options.displayName} logged in from the admin API`);
      await options.onLoggedIn();
    } catch (thrown) {
      const error = toBridgeError(thrown);
      options.logger.warn({ err: error }, `${options.displayName} login failed`);
      current = { state: "failed", messages: current.messages, error: error.message };
    } finally {
      running = undefined;
    }
  };

  return {
    start() {
      if (!running) {
        current = { state: "waiting-for-scan", messages: [] };
        running = run();
      }
      return current;
    },
    status: () => current,
    submitCode(code) {
      if (!answerCode) return false;
      answerCode(code);
      return true;
    },
    async close() {
      // Ends the login at its next poll; a wait for a code has nobody to answer it any more.
      lifetime.abort();
      answerCode?.("");
      await running;
    },
  };
}
