import { z } from "zod";
import { fail, platformConfigPart, urlWithDefault } from "./fields.ts";

export interface SlackConfig {
  botToken: string;
  /** Set: Socket Mode; unset: the Events API at POST /webhooks/slack/events. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string;
}

export const slackConfig = platformConfigPart({
  envShape: {
    SLACK_BOT_TOKEN: z.string().startsWith("xoxb-", { error: "expected a bot token starting with xoxb-" }).optional(),
    SLACK_APP_TOKEN: z.string().startsWith("xapp-", { error: "expected an app-level token starting with xapp-" }).optional(),
    SLACK_SIGNING_SECRET: z.string().min(8, { error: "expected the app's signing secret" }).optional(),
    SLACK_API_URL: urlWithDefault("https://slack.com/api/"),
  },
  secretNames: ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"],
  fromEnv(values): SlackConfig | undefined {
    const slackMode = values.SLACK_APP_TOKEN ? "socket" : "events";
    if (values.SLACK_BOT_TOKEN && slackMode === "events" && !values.SLACK_SIGNING_SECRET) {
      fail("SLACK_SIGNING_SECRET: required for the Events API (or set SLACK_APP_TOKEN for Socket Mode)");
    }
    if (!values.SLACK_BOT_TOKEN && (values.SLACK_APP_TOKEN || values.SLACK_SIGNING_SECRET)) {
      fail("SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set; expected a token starting with xoxb-");
    }
    return values.SLACK_BOT_TOKEN
      ? { botToken: values.SLACK_BOT_TOKEN, appToken: values.SLACK_APP_TOKEN, signingSecret: values.SLACK_SIGNING_SECRET, apiUrl: values.SLACK_API_URL }
      : undefined;
  },
});
