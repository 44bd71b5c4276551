import { webApi } from "@slack/bolt";
import type { SlackConfig } from "../../core/config-platforms.ts";
import { toSlackBridgeError } from "./errors.ts";

/** For `pincer doctor`: auth.test with the bot token. Reads only (opening a Socket Mode connection would take events from a running gateway). */
export async function probeSlack(settings: SlackConfig): Promise<string> {
  const client = new webApi.WebClient(settings.botToken, { slackApiUrl: settings.apiUrl, retryConfig: { retries: 0 } });
  try {
    const auth = await client.auth.test();
    return `${auth.user ?? auth.user_id} in ${auth.team ?? auth.team_id}, ${settings.appToken ? "Socket Mode" : "Events API at /webhooks/slack/events"}`;
  } catch (thrown) {
    throw toSlackBridgeError(thrown, "auth.test");
  }
}
