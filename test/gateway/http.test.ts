import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";
import { createMetrics } from "../../core/metrics.ts";
import { createHttpApp } from "../../gateway/http.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { collectingLog } from "../support/recording-logger.ts";

describe("GET /readyz", () => {
  it("answers 503 naming each channel's state when one is not connected, and the details, secrets masked, only with the admin token", async () => {
    const connected = createChatPlatform("web").adapter;
    const token = "123456:TEST-secret-bot-token";
    const down = {
      ...createChatPlatform("telegram").adapter,
      health: () => ({ state: "error" as const, detail: `409 Conflict: another poller (https://api.example/bot${token}/getUpdates)` }),
    };
    const app = createHttpApp({
      channels: [
        { id: "web", platform: "web", adapter: connected },
        { id: "telegram", platform: "telegram", adapter: down },
      ],
      routes: [],
      metrics: createMetrics(async () => 0),
      adminToken: "admin-token-for-tests-0123",
      configuredHost: "127.0.0.1",
      allowedHosts: [],
      secrets: [token],
      logger: createLogger({ level: "silent", secrets: [], destination: collectingLog().destination }),
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(503);
      expect(await anonymous.json()).toEqual({ status: "not ready", channels: { web: { state: "ready" }, telegram: { state: "error" } } });
      const response = await fetch(url, { headers: { authorization: "Bearer admin-token-for-tests-0123" } });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: "not ready",
        channels: { web: { state: "ready" }, telegram: { state: "error", detail: "409 Conflict: another poller (https://api.example/bot[redacted]/getUpdates)" } },
      });
    } finally {
      server.close();
    }
  });
});
