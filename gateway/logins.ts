import type { HttpRoute } from "../core/types/adapter.ts";
import type { ChannelDescriptor } from "../core/types/channel.ts";
import type { Logger } from "../core/types/logger.ts";
import { createLoginFlow, type LoginFlow } from "./login-flow.ts";
import { loginRoutes } from "./login-routes.ts";
import type { ChannelSpec } from "./registry.ts";

export interface Logins {
  /** The platforms the owner can log in from the admin page, for its login sections. */
  platforms: Pick<ChannelDescriptor<unknown>, "platform" | "displayName">[];
  routes: HttpRoute[];
  /** Ends running logins (the gateway stops). */
  close(): Promise<void>;
}

/** A login flow and its admin routes for each channel whose platform logs in from the admin page. */
export function createLogins(options: {
  channels: ChannelSpec[];
  dataDir: string;
  logger: Logger;
  /** Connects the platform's channel once its login succeeded. */
  onLoggedIn: (channel: ChannelSpec) => Promise<void>;
}): Logins {
  const flows: { descriptor: ChannelDescriptor<unknown>; flow: LoginFlow }[] = options.channels.flatMap((channel) => {
    const { descriptor, settings } = channel;
    const login = descriptor.login;
    if (login?.kind !== "admin") return [];
    const flow = createLoginFlow({
      displayName: descriptor.displayName,
      run: (io) => login.run(settings, io),
      dataDir: options.dataDir,
      logger: options.logger.child({ channel: channel.id }),
      onLoggedIn: () => options.onLoggedIn(channel),
    });
    return [{ descriptor, flow }];
  });
  return {
    platforms: flows.map(({ descriptor }) => ({ platform: descriptor.platform, displayName: descriptor.displayName })),
    routes: flows.flatMap(({ descriptor, flow }) => loginRoutes(descriptor, flow)),
    async close() {
      await Promise.all(flows.map(({ flow }) => flow.close()));
    },
  };
}
