import { describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";
import { collectingLog } from "../support/recording-logger.ts";

const botToken = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

/** A logger writing into an array of JSON lines. */
function capture(secrets: string[] = [botToken]) {
  const { lines, destination, records } = collectingLog();
  const logger = createLogger({ level: "debug", secrets, destination });
  return { logger, lines, records };
}

describe("a known secret value", () => {
  it("is masked inside a message", () => {
    const { logger, lines } = capture();
    logger.info({}, `starting with token ${botToken}`);
    expect(lines.join("\n")).not.toContain(botToken);
    expect(lines.join("\n")).toContain("starting with token [redacted]");
  });

  it("is masked inside a URL in any field", () => {
    const { logger, lines } = capture();
    logger.error({ url: `https://api.telegram.org/bot${botToken}/getUpdates?offset=1` }, "poll failed");
    expect(lines.join("\n")).not.toContain(botToken);
    expect(lines.join("\n")).toContain("https://api.telegram.org/bot[redacted]/getUpdates?offset=1");
  });

  it("is masked inside a logged error", () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error(`401 for ${botToken}`) }, "send failed");
    expect(lines.join("\n")).not.toContain(botToken);
  });

  it("is masked in child loggers too", () => {
    const { logger, lines } = capture();
    logger.child({ channel: "telegram" }).warn({ detail: botToken }, "oops");
    expect(lines.join("\n")).not.toContain(botToken);
  });
});

describe("secret fields", () => {
  it("are redacted by name, whatever their value", () => {
    const { logger, records } = capture([]);
    logger.info({ token: "unknown-value-1", request: { token: "unknown-value-2", apiKey: "k-3" } }, "calling");
    const [record] = records();
    expect(record).toMatchObject({ token: "[redacted]", request: { token: "[redacted]", apiKey: "[redacted]" } });
    expect(JSON.stringify(record)).not.toMatch(/unknown-value|k-3/);
  });

  it("include an authorization header", () => {
    const { logger, lines } = capture([]);
    logger.info({ headers: { authorization: "Bearer sk-unknown-123" } }, "admin request");
    expect(lines.join("\n")).not.toContain("sk-unknown-123");
  });

  it("leave other fields as they are", () => {
    const { logger, records } = capture();
    logger.info({ chatId: "42", text: "hello" }, "received");
    expect(records()[0]).toMatchObject({ chatId: "42", text: "hello", msg: "received" });
  });
});
