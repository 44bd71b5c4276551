import type { WeixinConfig } from "../../core/config-platforms.ts";
import { loginPath, readLogin } from "./login-store.ts";

/**
 * For `pincer doctor`: whether a ClawBot login is stored. The API is not called: the only calls that
 * prove a login (getupdates) would take messages from the running gateway.
 */
export async function probeWeixin(settings: WeixinConfig, dataDir: string): Promise<string | undefined> {
  const login = await readLogin(dataDir).catch(() => undefined);
  if (!login) return undefined;
  const ageDays = Math.floor((Date.now() - login.savedAt) / 86_400_000);
  return `logged in as bot ${login.botId} ${ageDays === 0 ? "today" : `${ageDays} days ago`} (${loginPath(dataDir)}); API ${settings.apiBase}`;
}
