import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../../../adapters/telegram/index.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import { eventually } from "../../support/eventually.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

const token = "123456:SECRET-never-shown_abc";
const logger = recordingLogger();
const errorText = (value: unknown) => (value instanceof Error ? `${value.message} ${String(value.cause)}` : value);
/** The warnings and errors, each as its message and its fields (errors with their cause). */
const lines = () =>
  logger.entries
    .filter((entry) => entry.level === "warn" || entry.level === "error")
    .map((entry) => `${entry.message} ${JSON.stringify(entry.object, (_key, value: unknown) => errorText(value))}`);

let server: Server | undefined;
let adapter: Adapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await new Promise((resolve) => server?.close(resolve));
  adapter = server = undefined;
  logger.entries.length = 0;
});

/** A Bot API root that is not one (a proxy or a wrong TELEGRAM_API_ROOT): HTML instead of JSON for `htmlFor` methods. */
async function misconfiguredApi(htmlFor: (method: string) => boolean): Promise<string> {
  server = createServer((request, response) => {
    const method = request.url!.split("/").at(-1)!;
    if (htmlFor(method)) return void response.writeHead(404, { "content-type": "text/html" }).end("<html>404 Not Found</html>");
    const result = method === "getMe" ? { id: 1, is_bot: true, first_name: "Bot", username: "bot" } : true;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, result }));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function start(apiRoot: string) {
  adapter = createTelegramAdapter({ botToken: token, apiRoot, webhookSecret: undefined, webhookUrl: undefined }, { logger, maxMediaBytes: 1_000_000 } as never, {
    minBackoffMs: 50,
    maxBackoffMs: 100,
  });
  await adapter.start({ receive: async () => ({ isDuplicate: false }) } as never, new AbortController().signal);
  return adapter;
}

describe("the bot token stays out of /readyz and the log", () => {
  it("when getMe gets a page that is not JSON", async () => {
    const telegram = await start(await misconfiguredApi(() => true));
    await eventually(() => telegram.health().state === "error" && lines().length > 0);
    expect(telegram.health().detail).toContain("invalid json");
    expect(telegram.health().detail).not.toContain(token);
    expect(lines().join("\n")).not.toContain(token);
  });

  it("when getUpdates gets a page that is not JSON", async () => {
    const telegram = await start(await misconfiguredApi((method) => method === "getUpdates"));
    await eventually(() => telegram.health().state === "error" && lines().length > 0);
    expect(telegram.health().detail).toContain("invalid json");
    expect(telegram.health().detail).not.toContain(token);
    expect(lines().join("\n")).not.toContain(token);
  });
});
