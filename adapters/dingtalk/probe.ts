import type { DingtalkConfig } from "../../core/config-platforms.ts";
import { createDingtalkApi } from "./api.ts";

/**
 * For `pincer doctor`: an access token for the app's AppKey and AppSecret (which proves them), and the
 * robot it answers as. DingTalk has no read-only "who am I" call for a robot: an internal app's robot
 * code is its AppKey, which is what the adapter sends with. Reads only: the stream is not opened.
 */
export async function probeDingtalk(settings: DingtalkConfig): Promise<string> {
  await createDingtalkApi(settings, { callTimeoutMs: 15_000 }).token();
  const mode = settings.connection === "webhook" ? "HTTP callbacks at /webhooks/dingtalk" : "Stream mode";
  const cards = settings.cardTemplateId ? `, AI card template ${settings.cardTemplateId}` : ", markdown answers (no card template)";
  return `access token granted; robot ${settings.clientId} at ${settings.apiBase}, ${mode}${cards}`;
}
