import { afterEach, describe, expect, it } from "vitest";
import { createWebAdapter } from "../../adapters/web/index.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import { createAdminRoutes } from "../../gateway/admin-routes.ts";
import type { Approvals } from "../../core/approvals.ts";
import { createChannelActivity } from "../../gateway/console/channel-activity.ts";
import { createConsoleRoutes } from "../../gateway/console/routes.ts";
import { createConsoleSessions } from "../../gateway/console/session.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { createLogins } from "../../gateway/logins.ts";
import { defaultChannels } from "../../gateway/registry.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { rawRequest } from "../support/raw-request.ts";
import { collectingLog } from "../support/recording-logger.ts";
import { openWebChat, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

const message = (text: string) => JSON.stringify({ conversationId: "victim", messageId: "m1", text, attachments: [] });

/** Every `/api/*` route the gateway serves, as (method, path) with a sample id in place of `:id`. */
async function apiRoutes() {
  const dataDir = tempDataDir();
  const logger = createLogger({ level: "silent", secrets: [], destination: collectingLog().destination });
  const store = createSqliteStore(dataDir);
  const web = createWebAdapter({ logger, uploadDir: dataDir, maxUploadBytes: 1000 });
  const config = loadConfig({ DATA_DIR: dataDir });
  const channels = defaultChannels(config.platforms);
  const logins = createLogins({ channels, dataDir, logger, onLoggedIn: async () => {} });
  const sessions = await createConsoleSessions({ adminToken: "unused-token-0123456789", state: store.adapterState });
  const consoleRoutes = createConsoleRoutes({
    store,
    approvals: {} as Approvals,
    sessions,
    adminToken: "unused-token-0123456789",
    channels: () => ({}),
    activity: createChannelActivity({ state: store.adapterState, logger }),
    budget: config.budget,
    access: { dmPolicy: "pairing", groupPolicy: "pairing", allowFrom: [], admins: [], allowGroups: [] },
    logins: [],
    logger,
  });
  const routes = [...(web.routes ?? []), ...createAdminRoutes(store, () => ({})), ...logins.routes, ...consoleRoutes];
  store.close();
  return routes
    .filter((route) => route.path.startsWith("/api/"))
    .map((route) => ({ method: route.method, path: route.path.replace(":id", "00000000-0000-4000-8000-000000000000") }));
}

/** Every console page (not the login): a browser without a session gets the login form, with 401. */
function consolePages() {
  return ["/admin", "/admin/approvals", "/admin/access", "/Admin/Access/"];
}

describe("a web page the owner visits", () => {
  it("cannot post a cross-site text/plain message to the web chat (the form a page can send without asking)", async () => {
    ({ gateway } = await startTestGateway());
    const chat = await openWebChat(gateway, "victim");
    const response = await fetch(`${gateway.url}api/web/messages`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "http://evil.example" },
      body: message("/echo pwned"),
    });
    expect(response.status).toBe(403);
    await chat.say("/echo after");
    await chat.waitFor(() => chat.texts().includes("after"));
    expect(chat.texts()).not.toContain("pwned");
    await chat.close();
  });

  it("cannot post from a foreign Origin even with the token, nor post text/plain from anywhere", async () => {
    ({ gateway } = await startTestGateway());
    const auth = { authorization: `Bearer ${gateway.adminToken}` };
    const foreign = await fetch(`${gateway.url}api/web/messages`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", origin: "http://evil.example" },
      body: message("/echo pwned"),
    });
    expect(foreign.status).toBe(403);
    const foreignOtherCase = await fetch(`${gateway.url}API/Web/Messages/`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", origin: "http://evil.example" },
      body: message("/echo pwned"),
    });
    expect(foreignOtherCase.status).toBe(403);
    const plain = await fetch(`${gateway.url}api/web/messages`, { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body: message("/echo pwned") });
    expect(plain.status).toBe(415);
    const sameOrigin = await fetch(`${gateway.url}api/web/messages`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", origin: gateway.url.slice(0, -1) },
      body: message("/echo fine"),
    });
    expect(sameOrigin.status).toBe(202);
  });

  it("cannot reach the page or the API through a rebound DNS name (a foreign Host)", async () => {
    ({ gateway } = await startTestGateway());
    const auth = { authorization: `Bearer ${gateway.adminToken}` };
    const port = new URL(gateway.url).port;
    const page = await rawRequest(gateway.url, { headers: { host: `evil.example:${port}` } });
    expect(page.status).toBe(403);
    const history = await rawRequest(`${gateway.url}api/web/history?conversationId=victim`, { headers: { ...auth, host: `evil.example:${port}` } });
    expect(history.status).toBe(403);
    for (const path of ["ADMIN/", "API/web/history?conversationId=victim", "Api/Admin/Usage"]) {
      expect((await rawRequest(`${gateway.url}${path}`, { headers: { ...auth, host: `evil.example:${port}` } })).status).toBe(403);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await rawRequest(gateway.url, { headers: { host } })).status).toBe(200);
    }
  });

  it("answers under a name from PINCER_ALLOWED_HOSTS, and leaves webhooks to their signatures under any Host", async () => {
    ({ gateway } = await startTestGateway({ PINCER_ALLOWED_HOSTS: "pincer.lan" }));
    const port = new URL(gateway.url).port;
    expect((await rawRequest(gateway.url, { headers: { host: `pincer.lan:${port}` } })).status).toBe(200);
    expect((await rawRequest(gateway.url, { headers: { host: `other.lan:${port}` } })).status).toBe(403);
    const webhook = await rawRequest(`${gateway.url}webhooks/telegram`, { method: "POST", headers: { host: "bot.example.com", origin: "https://evil.example" }, body: "{}" });
    expect(webhook.status).toBe(404); // no Telegram channel here: routed, not refused by the browser checks
  });

  it("cannot frame the chat or the console", async () => {
    ({ gateway } = await startTestGateway());
    for (const path of ["", "admin"]) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("content-security-policy")).toContain("script-src 'sha256-");
    }
  });
});

describe("the admin token", () => {
  it("is required on every /api/* route, even when PINCER_ADMIN_TOKEN is not set", async () => {
    ({ gateway } = await startTestGateway());
    const routes = await apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(16);
    for (const { method, path } of routes) {
      const response = await fetch(`${gateway.url}${path.slice(1)}`, { method, headers: { "content-type": "application/json" }, ...(method === "POST" ? { body: "{}" } : {}) });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
    }
  });

  it("or a console session is required by every console page, which shows the login form instead", async () => {
    ({ gateway } = await startTestGateway());
    for (const path of consolePages()) {
      const response = await fetch(`${gateway.url}${path.slice(1)}`);
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
      expect(await response.text()).toContain('action="/admin/login"');
      expect((await fetch(`${gateway.url}${path.slice(1)}`, { headers: { authorization: `Bearer ${gateway.adminToken}` } })).status).toBe(200);
    }
  });

  it("is taken from the query string only by the event stream and file downloads", async () => {
    ({ gateway } = await startTestGateway());
    const token = encodeURIComponent(gateway.adminToken);
    expect((await fetch(`${gateway.url}api/web/history?conversationId=c1&token=${token}`)).status).toBe(401);
    expect((await fetch(`${gateway.url}api/admin/usage?token=${token}`)).status).toBe(401);
    expect((await fetch(`${gateway.url}api/web/files/00000000-0000-4000-8000-000000000000?token=${token}`)).status).toBe(404);
    const events = await fetch(`${gateway.url}api/web/events?conversationId=c1&token=${token}`);
    expect(events.status).toBe(200);
    await events.body?.cancel();
  });
});

describe("health and metrics", () => {
  it("/readyz answers under any Host (a probe's, a proxy's) with each channel's state and no details", async () => {
    ({ gateway } = await startTestGateway());
    const anonymous = await fetch(`${gateway.url}readyz`, { headers: { host: "pincer.example.com" } });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: "ready", channels: { web: { state: "ready" } } });
  });

  it("/metrics needs PINCER_METRICS_TOKEN when it is set", async () => {
    ({ gateway } = await startTestGateway({ PINCER_METRICS_TOKEN: "metrics-token-for-tests-0123" }));
    expect((await fetch(`${gateway.url}metrics`)).status).toBe(401);
    const allowed = await fetch(`${gateway.url}metrics`, { headers: { authorization: "Bearer metrics-token-for-tests-0123" } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("pincer_queue_depth");
  });
});
