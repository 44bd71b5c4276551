import type { Locale } from "../core/i18n/catalogue.ts";
import type { Adapter, AdapterDeps, InboundSink } from "../core/types/adapter.ts";
import type { ChannelDescriptor } from "../core/types/channel.ts";
import { BridgeError } from "../core/types/errors.ts";
import type { Logger } from "../core/types/logger.ts";
import { channelSink, createChannel, type RunningChannel } from "./channels.ts";
import { channelRegistry } from "./registry.ts";
import { checkPlatform, settingsFrom } from "./setup/check.ts";
import { platformSetup, type PlatformKey } from "./setup/platforms.ts";
import type { StoredChannel, StoredChannels } from "./setup/stored-channels.ts";

/** Where a running channel comes from: only the setup page's own can be removed while running. */
export type ChannelSource = "web" | "env" | "config" | "store" | "login";

export interface LiveChannelsDeps {
  /** The gateway's running channels (the web chat's included), changed in place. */
  channels: RunningChannel[];
  /** The same, by id, as delivery and the pipeline look them up; changed in place. */
  adapters: Map<string, Adapter>;
  channelDeps: AdapterDeps;
  sink: InboundSink;
  /** The gateway's lifetime: its end stops every channel. */
  lifetime: AbortSignal;
  /** Wraps a long connection in its lease on a shared store. */
  wrap(channel: RunningChannel): RunningChannel;
  /** The HTTP app rebuilds its webhook routes from `channels`. */
  refreshRoutes(): void;
  /** The logger's live list of values to mask: a new channel's credentials join it. */
  secrets: string[];
  stored: StoredChannels;
  logger: Logger;
  dataDir: string;
}

const idPattern = /^[a-z][a-z0-9_-]{0,31}$/;
const isSecretName = (name: string) => /TOKEN|SECRET|KEY/.test(name);

/**
 * Adds and removes channels while the gateway runs (the setup page): a new channel is checked live (the doctor's
 * read-only probe), stored, created, started under its own signal, and its webhook routes served; removing one
 * stops it, drops its routes and forgets it. Channels from `.env` and PINCER_CONFIG change with a restart.
 */
export function createLiveChannels(deps: LiveChannelsDeps) {
  const controllers = new Map<string, AbortController>();
  const sources = new Map<string, ChannelSource>();

  async function run(stored: StoredChannel): Promise<void> {
    const descriptor = channelRegistry[stored.platform] as ChannelDescriptor<unknown>;
    const settings = settingsFrom(stored.platform, stored.env);
    if (settings === undefined) throw new BridgeError("config", "no credentials given");
    deps.secrets.push(...Object.entries(stored.env).flatMap(([name, value]) => (isSecretName(name) && value ? [value] : [])));
    const created = await createChannel({ id: stored.id, descriptor, settings }, deps.channelDeps);
    if (!created) throw new BridgeError("config", `${descriptor.displayName} cannot start yet`);
    const channel = deps.wrap(created);
    const controller = new AbortController();
    controllers.set(channel.id, controller);
    sources.set(channel.id, "store");
    deps.channels.push(channel);
    deps.adapters.set(channel.id, channel.adapter);
    deps.refreshRoutes();
    await channel.adapter.start(channelSink(deps.sink, channel.id), AbortSignal.any([deps.lifetime, controller.signal]));
  }

  return {
    /** Remembers where the channels running at start came from. */
    mark(id: string, source: ChannelSource) {
      sources.set(id, source);
    },
    source: (id: string): ChannelSource => sources.get(id) ?? "login",
    /** At start: the stored channels, after the configured ones (an id already taken is skipped, with a warning). */
    async startStored(): Promise<void> {
      for (const stored of await deps.stored.list()) {
        if (deps.adapters.has(stored.id)) {
          deps.logger.warn({ channel: stored.id }, "a channel added on the setup page has the id of a configured one: skipped");
          continue;
        }
        await run(stored).catch((error: unknown) => deps.logger.error({ err: error, channel: stored.id }, "a channel added on the setup page could not start"));
      }
    },
    /** A new channel: the id checked, the credentials checked live, then stored and started. */
    async add(request: { platform: string; id?: string | undefined; env: Record<string, string> }, locale: Locale): Promise<{ id: string; detail: string }> {
      const setup = platformSetup(request.platform);
      if (!setup || setup.key === "weixin") throw new BridgeError("bad-input", `unknown platform (or one that logs in with a QR code elsewhere): ${request.platform}`);
      const key: PlatformKey = setup.key;
      const descriptor = channelRegistry[key] as ChannelDescriptor<unknown>;
      let id = request.id?.trim() || key;
      if (!request.id?.trim()) for (let n = 2; deps.adapters.has(id); n++) id = `${key}-${n}`;
      if (!idPattern.test(id)) throw new BridgeError("bad-input", "the channel id must be lowercase letters, digits, - or _ (up to 32), starting with a letter");
      if (deps.adapters.has(id)) throw new BridgeError("bad-input", `a channel named ${id} is already running`);
      if (descriptor.login && id !== key) throw new BridgeError("bad-input", `${descriptor.displayName} logs in with a QR code: only its default channel (${key}) is supported`);
      const allowed = new Set([...setup.fields.map((field) => field.name), ...setup.endpoints]);
      const env = Object.fromEntries(Object.entries(request.env).filter(([name, value]) => allowed.has(name) && value.trim() !== "").map(([name, value]) => [name, value.trim()]));
      const outcome = await checkPlatform(key, env, { dataDir: deps.dataDir, locale });
      if (!outcome.isOk) throw new BridgeError("bad-input", outcome.explanation);
      const stored: StoredChannel = { id, platform: key, env, addedAt: Date.now() };
      await deps.stored.put(stored);
      try {
        await run(stored);
      } catch (error) {
        await deps.stored.remove(id);
        throw error;
      }
      return { id, detail: outcome.detail ?? descriptor.displayName };
    },
    /** Stops a channel added on this page and forgets it; false when there is none (a configured one is not removed). */
    async remove(id: string): Promise<"removed" | "not-found" | "configured"> {
      if (sources.get(id) !== "store") return deps.adapters.has(id) ? "configured" : "not-found";
      controllers.get(id)?.abort();
      controllers.delete(id);
      sources.delete(id);
      const index = deps.channels.findIndex((channel) => channel.id === id);
      const [channel] = index >= 0 ? deps.channels.splice(index, 1) : [];
      deps.adapters.delete(id);
      deps.refreshRoutes();
      await deps.stored.remove(id);
      await channel?.adapter.stop();
      return "removed";
    },
  };
}
export type LiveChannels = ReturnType<typeof createLiveChannels>;
