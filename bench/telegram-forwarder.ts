import { Agent, createServer, request } from "node:http";
import { listenLocally, type BenchServer } from "./listen.ts";

const echoPrefix = /^\/echo\s*/;

export interface TelegramForwarderOptions {
  /** The Bot API root, e.g. `http://127.0.0.1:<port>`. */
  apiRoot: string;
  botToken: string;
  secretToken: string;
}

/**
 * The Telegram baseline: a bare node:http server that takes the webhook POST, checks the secret,
 * answers 200 and sends the echo as one sendMessage over a keep-alive agent. No store, no agent, no telegraf.
 */
export async function startTelegramForwarder(options: TelegramForwarderOptions): Promise<BenchServer> {
  const agent = new Agent({ keepAlive: true });
  const sendUrl = new URL(`${options.apiRoot.replace(/\/+$/, "")}/bot${options.botToken}/sendMessage`);

  const sendMessage = (chatId: unknown, text: string) => {
    const body = JSON.stringify({ chat_id: chatId, text });
    const call = request(
      sendUrl,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response) => response.resume(),
    );
    // A lost echo shows as a missing echo in the load client's count.
    call.on("error", () => undefined);
    call.end(body);
  };

  const server = createServer((incoming, response) => {
    if (incoming.method !== "POST" || incoming.url !== "/webhooks/telegram") {
      response.writeHead(404).end();
      return;
    }
    if (incoming.headers["x-telegram-bot-api-secret-token"] !== options.secretToken) {
      response.writeHead(401).end();
      return;
    }
    let raw = "";
    incoming.setEncoding("utf8");
    incoming.on("data", (chunk: string) => (raw += chunk));
    incoming.on("end", () => {
      let update: { message?: { chat?: { id?: unknown }; text?: unknown } };
      try {
        update = JSON.parse(raw) as typeof update;
      } catch {
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"ok":true}');
      const message = update.message;
      if (typeof message?.text === "string" && message.chat?.id !== undefined) sendMessage(message.chat.id, message.text.replace(echoPrefix, ""));
    });
  });

  const listening = await listenLocally(server);
  return {
    url: listening.url,
    async stop() {
      await listening.stop();
      agent.destroy();
    },
  };
}
