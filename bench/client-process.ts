/**
 * The load client's own process, so the gateway's process pays only for the gateway:
 * `process.cpuUsage()` in the bench process then counts server work alone. It also hosts the fake
 * Telegram Bot API, whose work is then the client's too. Started by `client-link.ts`; ends when the
 * bench process disconnects.
 */
import { assertNever } from "../core/types/errors.ts";
import { startBenchBotApi, type BenchBotApi } from "./bot-api-fake.ts";
import type { Channel } from "./channel.ts";
import type { EchoCheck } from "./echo-ledger.ts";
import { runLoad, type LoadLimits, type LoadPlan, type LoadResult, type Target } from "./load-client.ts";
import { createTelegramChannel } from "./telegram-channel.ts";
import { createWebChannel } from "./web-channel.ts";

export type ClientRequest =
  | { id: number; type: "run"; target: Target; plan: LoadPlan; tag: string; limits: LoadLimits }
  /** Starts the fake Bot API (once) for bots with `token`; answered with its URL. */
  | { id: number; type: "start-bot-api"; token: string }
  /** Whether every Telegram message of the runs tagged `tagPrefix…` got exactly one echo. */
  | { id: number; type: "check-echoes"; tagPrefix: string };

export type ClientAnswer =
  | { id: number; type: "result"; result: LoadResult }
  | { id: number; type: "bot-api"; url: string }
  | { id: number; type: "echo-check"; check: EchoCheck }
  | { id: number; type: "error"; message: string };

/** A request or answer before its id is put on (each member of the union without `id`). */
export type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

function serve() {
  let botApi: BenchBotApi | undefined;
  let telegramRunCount = 0;

  const channelFor = (target: Target, plan: LoadPlan, tag: string): Channel => {
    switch (target.type) {
      case "web":
        return createWebChannel(target, plan, tag);
      case "telegram":
        if (!botApi) throw new Error("a Telegram run needs the fake Bot API: send start-bot-api first");
        telegramRunCount += 1;
        return createTelegramChannel(target, plan, botApi, telegramRunCount);
      default:
        return assertNever(target);
    }
  };

  const handle = async (request: ClientRequest): Promise<WithoutId<ClientAnswer>> => {
    switch (request.type) {
      case "run": {
        const result = await runLoad(channelFor(request.target, request.plan, request.tag), request.plan, request.tag, request.limits);
        if (request.target.type === "telegram") botApi!.ledger.expect(request.tag, result.sentCount);
        return { type: "result", result };
      }
      case "start-bot-api":
        botApi ??= await startBenchBotApi(request.token);
        return { type: "bot-api", url: botApi.url };
      case "check-echoes":
        if (!botApi) throw new Error("no fake Bot API was started");
        return { type: "echo-check", check: botApi.ledger.check(request.tagPrefix) };
      default:
        return assertNever(request);
    }
  };

  process.on("message", (request: ClientRequest) => {
    handle(request).then(
      (answer) => process.send!({ id: request.id, ...answer } as ClientAnswer),
      (error: unknown) => process.send!({ id: request.id, type: "error", message: String(error) } satisfies ClientAnswer),
    );
  });
  // The fake's server would keep this process alive.
  process.once("disconnect", () => {
    botApi?.close().catch(() => undefined);
  });
}

if (process.send) serve();
