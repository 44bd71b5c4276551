import type { Config } from "../core/config.ts";
import type { AdapterStateStore } from "../core/store/store.ts";
import type { Adapter, AdapterDeps, HttpRoute, InboundSink } from "../core/types/adapter.ts";
import { inChannel } from "../core/types/message.ts";
import { BridgeError } from "../core/types/errors.ts";
import { channelRegistry, configuredChannels, isDefaultChannel, type ChannelRegistry, type ChannelSpec } from "./registry.ts";

/** A channel the gateway runs: its id, its platform, and the adapter instance that speaks for it. */
export interface RunningChannel {
  id: string;
  platform: string;
  adapter: Adapter;
}

/** A channel's adapter state apart from the other channels' of its platform (the default channel keeps today's names). */
function channelState(state: AdapterStateStore, channelId: string): AdapterStateStore {
  const scoped = (namespace: string) => `${namespace}@${channelId}`;
  return {
    get: (namespace, key, now) => state.get(scoped(namespace), key, now),
    set: (namespace, key, value, expiresAt) => state.set(scoped(namespace), key, value, expiresAt),
    delete: (namespace, key) => state.delete(scoped(namespace), key),
    pruneExpired: (now) => state.pruneExpired(now),
  };
}

/** What a channel's adapter reports into: every message it takes in names the channel (`ConversationRef.channelId`). */
export function channelSink(sink: InboundSink, channelId: string): InboundSink {
  return { receive: (message) => sink.receive(inChannel(message, channelId)) };
}

/** One channel, with its own logger and id; undefined when it cannot start yet (ClawBot without a login). */
export async function createChannel(spec: ChannelSpec, deps: AdapterDeps): Promise<RunningChannel | undefined> {
  const { id, descriptor, settings } = spec;
  const isDefault = isDefaultChannel(spec);
  if (!isDefault && descriptor.login) {
    // Its login lives in DATA_DIR under the platform's name: a second one would take over the first one's.
    throw new BridgeError("config", `PINCER_CONFIG: channels (${id}): ${descriptor.displayName} logs in with a QR code; only its default channel (from the environment) is supported`);
  }
  const forChannel: AdapterDeps = {
    ...deps,
    channelId: id,
    logger: deps.logger.child({ channel: id, platform: descriptor.platform }),
    ...(deps.state && !isDefault ? { state: channelState(deps.state, id) } : {}),
  };
  const adapter = await descriptor.create(settings, forChannel);
  return adapter && { id, platform: descriptor.platform, adapter };
}

/**
 * The channels of the configured platforms (each platform's default channel, from the environment, then
 * PINCER_CONFIG `channels:`), in that order. A platform's adapter and SDK are imported only when it is
 * configured, so an unconfigured gateway loads none and reaches no platform.
 */
export async function createChannels(config: Pick<Config, "platforms" | "channels">, deps: AdapterDeps, registry: Partial<ChannelRegistry> = channelRegistry): Promise<RunningChannel[]> {
  const channels: RunningChannel[] = [];
  for (const spec of configuredChannels(config, registry)) {
    const channel = await createChannel(spec, deps);
    if (channel) channels.push(channel);
  }
  return channels;
}

/**
 * The webhook routes of a channel: its adapter's `/webhooks/<platform>…` paths under `/webhooks/<platform>/<channelId>…`;
 * the default channel also keeps today's paths. Other routes (the web chat's) are served as they are.
 */
export function channelRoutes(channel: RunningChannel): HttpRoute[] {
  const prefix = `/webhooks/${channel.platform}`;
  return (channel.adapter.routes ?? []).flatMap((route) => {
    if (route.path !== prefix && !route.path.startsWith(`${prefix}/`)) return [route];
    const own = { ...route, path: `${prefix}/${channel.id}${route.path.slice(prefix.length)}` };
    return channel.id === channel.platform ? [route, own] : [own];
  });
}
