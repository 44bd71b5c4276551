import { z } from "zod";
import { platformConfigPart, urlWithDefault } from "./fields.ts";

export interface DiscordConfig {
  botToken: string;
  /** A server conversation continues in a thread the bot opens from the message that addressed it. */
  hasThreads: boolean;
  /** The REST base, with its version (`https://discord.com/api/v10`). */
  apiBase: string;
  /** Set: the gateway URL used instead of the one `/gateway/bot` names (tests, proxies). */
  gatewayUrl: string | undefined;
}

export const discordConfig = platformConfigPart({
  envShape: {
    DISCORD_BOT_TOKEN: z.string().regex(/^\S{20,}$/, { error: "expected the bot's token from the Developer Portal (Bot → Reset Token)" }).optional(),
    DISCORD_THREADS: z.enum(["true", "false"], { error: 'expected "true" or "false"' }).default("true").transform((value) => value === "true"),
    DISCORD_API_BASE: urlWithDefault("https://discord.com/api/v10"),
    DISCORD_GATEWAY_URL: z.string().regex(/^wss?:\/\/\S+$/, { error: "expected a ws:// or wss:// URL" }).optional(),
  },
  secretNames: ["DISCORD_BOT_TOKEN"],
  fromEnv(values): DiscordConfig | undefined {
    return values.DISCORD_BOT_TOKEN
      ? {
          botToken: values.DISCORD_BOT_TOKEN,
          hasThreads: values.DISCORD_THREADS,
          apiBase: values.DISCORD_API_BASE.replace(/\/+$/, ""),
          gatewayUrl: values.DISCORD_GATEWAY_URL,
        }
      : undefined;
  },
});
