import type { z } from "zod";
import type { Adapter, AdapterDeps } from "./adapter.ts";
import type { Logger } from "./logger.ts";

/**
 * A platform's part of the configuration: its environment variables (zod, each message naming what it
 * expects), which of them are secrets, and how they become the settings of the platform's default
 * channel. Lives in `core/config-platforms/`, so `core/config.ts` builds the schema without adapter code.
 */
export interface PlatformConfigPart<Shape extends z.ZodRawShape, Settings> {
  envShape: Shape;
  /** Variables whose values never reach a log line or an error message. */
  secretNames: readonly (keyof Shape & string)[];
  /**
   * The default channel's settings from the parsed variables; undefined when the platform is not
   * configured. A half-configured platform throws `BridgeError("config")` naming the variable to fix.
   */
  fromEnv(values: z.infer<z.ZodObject<Shape>>): Settings | undefined;
}

/** What `pincer doctor` gives a probe besides the channel's settings. */
export interface ProbeContext {
  dataDir: string;
  /** Silent, with the configured secrets redacted. */
  logger: Logger;
}

/** What a login run may do while it waits for the person (the admin page, or the terminal). */
export interface LoginIo {
  dataDir: string;
  signal: AbortSignal;
  fetch: typeof fetch;
  /** Shows the QR code for the text it encodes. */
  showQr(qrText: string): Promise<void>;
  /** Progress lines. */
  say(line: string): void;
  /** Asks for a code the platform shows on the phone. */
  askCode(prompt: string): Promise<string>;
}

/**
 * How a platform logs in, when it needs a person to scan a QR code:
 * - `admin`: the owner starts it from the admin page (`/api/admin/<platform>/login`); the channel is
 *   created once it succeeds, without a restart (ClawBot).
 * - `health`: the adapter shows its QR code by itself while it starts, as `health().loginQr`, which the
 *   admin page draws (wechaty).
 */
export type LoginCapability<Settings> =
  | { kind: "admin"; run(settings: Settings, io: LoginIo): Promise<{ botId: string }> }
  | { kind: "health" };

/**
 * One chat platform, as the gateway, `pincer doctor`, the admin page and README's table know it.
 * `create` and `probe` import the adapter when they are called, so an unconfigured platform loads no
 * SDK and reaches nothing. The environment's settings make the platform's default channel.
 */
export interface ChannelDescriptor<Settings> {
  /** The platform's name: the id of its default channel (so `telegram:123` names a user of the default Telegram bot). */
  platform: string;
  /** As people call it: README's table and `pincer doctor`'s check. */
  displayName: string;
  /** Its guide, relative to the repository root. */
  docsPath: string;
  /** The paths its adapter serves on the gateway (webhook mode), for README's route table. */
  webhookPaths: readonly string[];
  /** A channel from its settings; undefined when it cannot start yet (ClawBot without a stored login). */
  create(settings: Settings, deps: AdapterDeps): Promise<Adapter | undefined>;
  /**
   * Reaches the platform with calls that only read (a running gateway keeps its messages and its
   * connection); undefined: nothing to check (no login stored).
   */
  probe(settings: Settings, context: ProbeContext): Promise<string | undefined>;
  login?: LoginCapability<Settings>;
}
