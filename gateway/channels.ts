import type { Config } from "../core/config.ts";
import type { Adapter, AdapterDeps } from "../core/types/adapter.ts";
import { channelRegistry, defaultChannels, type ChannelRegistry, type ChannelSpec } from "./registry.ts";

/** One channel, with its own logger; undefined when it cannot start yet (ClawBot without a login). */
export async function createChannel({ id, descriptor, settings }: ChannelSpec, deps: AdapterDeps): Promise<Adapter | undefined> {
  const forChannel: AdapterDeps = { ...deps, logger: deps.logger.child({ channel: id }) };
  return descriptor.create(settings, forChannel);
}

/**
 * The channels of the configured platforms (today: each platform's default channel, from the environment),
 * in the registry's order. A platform's adapter and SDK are imported only when it is configured, so an
 * unconfigured gateway loads none and reaches no platform.
 */
export async function createChannels(config: Config, deps: AdapterDeps, registry: Partial<ChannelRegistry> = channelRegistry): Promise<Adapter[]> {
  const channels: Adapter[] = [];
  for (const spec of defaultChannels(config.platforms, registry)) {
    const channel = await createChannel(spec, deps);
    if (channel) channels.push(channel);
  }
  return channels;
}
