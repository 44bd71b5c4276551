import type { QqConfig } from "../../core/config-platforms.ts";
import { createQqClient } from "./client.ts";

/** For `pincer doctor`: fetches an access token and the bot's identity (both only read). */
export async function probeQq(settings: QqConfig): Promise<string> {
  const client = createQqClient({ appId: settings.appId, appSecret: settings.appSecret, apiBase: settings.apiBase, tokenUrl: settings.tokenUrl });
  const me = await client.me();
  return `bot ${me.username ?? me.id} (${me.id}), app ${settings.appId}; ${settings.connection === "webhook" ? "webhook POST /webhooks/qq" : "WebSocket gateway"}${settings.isSandbox ? ", sandbox" : ""}; API ${settings.apiBase}`;
}
