import type { SlackConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

export const slackDescriptor: ChannelDescriptor<SlackConfig> = {
  platform: "slack",
  displayName: "Slack",
  docsPath: "docs/slack.md",
  webhookPaths: ["/webhooks/slack/events", "/webhooks/slack/interactions"],
  create: async (settings, deps) => (await import("./index.ts")).createSlackAdapter(settings, deps),
  probe: async (settings) => (await import("./probe.ts")).probeSlack(settings),
};
