import type { DiscordConfig } from "../../core/config-platforms.ts";
import { createDiscordRest } from "./rest.ts";

/** GATEWAY_MESSAGE_CONTENT (1 << 18) or its limited form (1 << 19): the app may read message content. */
const messageContentFlags = (1 << 18) | (1 << 19);

/**
 * For `pincer doctor`: who the token belongs to (`/users/@me`) and whether the Message Content intent is on
 * (`/applications/@me` flags). Reads only; the gateway of a running Pincer is left alone.
 */
export async function probeDiscord(settings: DiscordConfig): Promise<string> {
  const rest = createDiscordRest({ apiBase: settings.apiBase, botToken: settings.botToken, callTimeoutMs: 15_000 });
  const me = await rest.request<{ id: string; username: string }>("GET", "/users/@me");
  const application = await rest.request<{ flags?: number }>("GET", "/applications/@me").catch(() => undefined);
  const intent =
    application?.flags === undefined
      ? "Message Content intent unknown"
      : (application.flags & messageContentFlags) !== 0
        ? "Message Content intent on"
        : "Message Content intent OFF: turn it on (Bot → Privileged Gateway Intents), or only mentions are read";
  return `@${me.username} (${me.id}), ${intent}, threads ${settings.hasThreads ? "on" : "off"}`;
}
