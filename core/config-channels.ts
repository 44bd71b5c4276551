import { z } from "zod";
import type { ConfigFile } from "./config-file.ts";
import { platformConfigParts, type PlatformsConfig } from "./config-platforms.ts";
import type { ChannelPolicy } from "./policy.ts";
import { BridgeError } from "./types/errors.ts";

type PlatformName = keyof PlatformsConfig;

/**
 * One channel from PINCER_CONFIG `channels:`: a bot on a platform besides the platform's default channel
 * (which the environment defines, and whose id is the platform's name).
 */
export interface ChannelConfig {
  id: string;
  platform: PlatformName;
  /** The platform's settings, read by the same config slice as its environment variables. */
  settings: NonNullable<PlatformsConfig[PlatformName]>;
  policy: ChannelPolicy;
  /** `id:userId` entries, added to PINCER_ALLOW_FROM and PINCER_ADMINS. */
  allowFrom: string[];
  admins: string[];
  /** The agent of the channel's conversations that no binding or `/agent` choice sends elsewhere. */
  agent: string | undefined;
  /** The values of the platform's secret fields, never to be logged. */
  secrets: string[];
}

/** Ids no `channels:` entry may take: each platform's default channel, and the web chat. */
export const reservedChannelIds: readonly string[] = ["web", ...Object.keys(platformConfigParts)];

const policyFields = new Set(["id", "platform", "dmPolicy", "groupPolicy", "allowFrom", "admins", "agent"]);

const fail = (message: string): never => {
  throw new BridgeError("config", `PINCER_CONFIG: ${message}`);
};

function readEntry(entry: ConfigFile["channels"][number], index: number): ChannelConfig {
  const where = `channels.${index} (${entry.id})`;
  const platforms = Object.keys(platformConfigParts);
  if (!platforms.includes(entry.platform)) fail(`${where}: platform: there is no platform named ${entry.platform} (platforms: ${platforms.join(", ")})`);
  const platform = entry.platform as PlatformName;
  const part = platformConfigParts[platform];
  const fields = Object.fromEntries(Object.entries(entry).filter(([key]) => !policyFields.has(key)));
  const parsed = z.object(part.envShape).strict().safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : String(issue.path[0]);
    const expected = issue.code === "unrecognized_keys" ? `not a ${platform} setting (settings: ${Object.keys(part.envShape).join(", ")})` : issue.message;
    fail(`${where}: ${field}: ${expected}`);
  }
  let settings: unknown;
  try {
    settings = (part.fromEnv as (values: unknown) => unknown)(parsed.data);
  } catch (error) {
    if (error instanceof BridgeError) fail(`${where}: ${error.message}`);
    throw error;
  }
  if (settings === undefined) fail(`${where}: the ${platform} credentials are missing (settings: ${Object.keys(part.envShape).join(", ")})`);
  const secretNames: readonly string[] = part.secretNames;
  return {
    id: entry.id,
    platform,
    settings: settings as ChannelConfig["settings"],
    policy: { ...(entry.dmPolicy ? { dm: entry.dmPolicy } : {}), ...(entry.groupPolicy ? { group: entry.groupPolicy } : {}) },
    allowFrom: entry.allowFrom.map((userId) => `${entry.id}:${userId}`),
    admins: entry.admins.map((userId) => `${entry.id}:${userId}`),
    agent: entry.agent,
    secrets: Object.entries(fields).flatMap(([key, value]) => (secretNames.includes(key) && typeof value === "string" && value ? [value] : [])),
  };
}

/** The `channels:` entries, each checked by its platform's config slice; ids are unique and none is reserved. */
export function channelsConfig(file: ConfigFile): ChannelConfig[] {
  const seen = new Set<string>();
  return file.channels.map((entry, index) => {
    if (reservedChannelIds.includes(entry.id)) {
      fail(`channels.${index}.id: ${entry.id} is the id of the default ${entry.id} channel (set by the environment); choose another id`);
    }
    if (seen.has(entry.id)) fail(`channels.${index}.id: ${entry.id} is used by two channels; ids must be unique`);
    seen.add(entry.id);
    return readEntry(entry, index);
  });
}
