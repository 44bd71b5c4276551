import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { eventually } from "../support/eventually.ts";
import { ask, fakeAgent, say } from "../support/fake-agent.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

const token = "console-admin-token-0123456789";
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

const origin = () => gateway!.url.slice(0, -1);
const url = (path: string) => `${gateway!.url}${path.replace(/^\//, "")}`;
const bearer = { authorization: `Bearer ${token}` };

/** Waits for the agent's approval request to be stored, and returns it. */
async function pendingRequest() {
  const deadline = Date.now() + 5000;
  for (;;) {
    const [request] = await gateway!.store.approvals.list({ status: "pending", limit: 5 });
    if (request) return request;
    if (Date.now() > deadline) throw new Error("no approval request");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Logs in as a browser's form would; returns the session cookie (`name=value`). */
async function logIn(name = "", password = token): Promise<{ status: number; cookie: string | undefined; setCookie: string | null; location: string | null }> {
  const response = await fetch(url("/admin/login"), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: origin() },
    body: new URLSearchParams({ token: password, name, next: "/admin/approvals" }),
  });
  const setCookie = response.headers.get("set-cookie");
  return { status: response.status, cookie: setCookie?.split(";")[0], setCookie, location: response.headers.get("location") };
}

async function start(env: Record<string, string> = {}, script = () => [say("hi")]) {
  const platform = createChatPlatform();
  const agent = fakeAgent(script, { id: "asker" });
  ({ gateway } = await startTestGateway({ PINCER_ADMIN_TOKEN: token, PINCER_DM_POLICY: "open", ...env }, { agent: agent.agent, extraAdapters: [platform.adapter] }));
  return { platform, agent };
}

describe("logging in to the console", () => {
  it("shows the login form without a session, and exchanges the token for an HttpOnly, SameSite=Strict cookie that opens every page", async () => {
    await start();
    const anonymous = await fetch(url("/admin"));
    expect(anonymous.status).toBe(401);
    const form = await anonymous.text();
    expect(form).toContain('<form id="login" method="post" action="/admin/login">');
    expect(anonymous.headers.get("content-security-policy")).toContain("form-action 'self'");
    // Under no-referrer a browser would send `Origin: null` with the form, which the same-origin check refuses.
    expect(anonymous.headers.get("referrer-policy")).toBe("same-origin");

    const login = await logIn("Ada");
    expect(login.status).toBe(303);
    expect(login.location).toBe("/admin/approvals");
    expect(login.setCookie).toMatch(/^pincer_session=[^;]+; Path=\/; Max-Age=43200; SameSite=Strict; HttpOnly$/);
    for (const path of ["/admin", "/admin/approvals", "/admin/access"]) {
      const page = await fetch(url(path), { headers: { cookie: login.cookie! } });
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      expect(await page.text()).toContain("Signed in as Ada");
    }
    expect(await (await fetch(url("/api/admin/session"), { headers: { cookie: login.cookie! } })).json()).toMatchObject({ user: "Ada", via: "session" });
  });

  it("marks the cookie Secure when the request came over HTTPS (through a proxy that says so)", async () => {
    await start();
    const response = await fetch(url("/admin/login"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
      body: new URLSearchParams({ token }),
    });
    expect(response.headers.get("set-cookie")).toContain("; Secure");
  });

  it("refuses a wrong token with the form again, and a forged, tampered or expired cookie as no session", async () => {
    await start();
    const wrong = await logIn("", "not-the-token-0123456789012");
    expect(wrong.status).toBe(401);
    expect(wrong.setCookie).toBeNull();
    const { cookie } = await logIn();
    const [name, value] = cookie!.split("=") as [string, string];
    const [payload, signature] = decodeURIComponent(value).split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { u: string; e: number; n: string };
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, e: claims.e + 10 * 86_400_000 })).toString("base64url");
    const expiredPayload = Buffer.from(JSON.stringify({ ...claims, e: Date.now() - 1 })).toString("base64url");
    const forged = [
      `${name}=${forgedPayload}.${signature}`,
      `${name}=${expiredPayload}.${signature}`,
      `${name}=${payload}.${Buffer.alloc(32).toString("base64url")}`,
      `${name}=${payload}`,
      `${name}=garbage`,
      `other=${value}`,
    ];
    for (const cookie of forged) {
      expect({ cookie, status: (await fetch(url("/api/admin/approvals"), { headers: { cookie } })).status }).toEqual({ cookie, status: 401 });
      expect((await fetch(url("/admin/access"), { headers: { cookie } })).status).toBe(401);
    }
  });

  it("keeps a session across a restart, but not across a change of admin token", async () => {
    const dataDir = tempDataDir();
    ({ gateway } = await startTestGateway({ PINCER_ADMIN_TOKEN: token, DATA_DIR: dataDir }));
    const { cookie } = await logIn();
    await gateway.stop();
    // The same data directory and store: the session survives a restart under the same token...
    ({ gateway } = await startTestGateway({ PINCER_ADMIN_TOKEN: token, DATA_DIR: dataDir }));
    expect((await fetch(url("/api/admin/approvals"), { headers: { cookie: cookie! } })).status).toBe(200);
    await gateway.stop();
    // ...and not one under a new token.
    ({ gateway } = await startTestGateway({ PINCER_ADMIN_TOKEN: "another-admin-token-0123456789", DATA_DIR: dataDir }));
    expect((await fetch(url("/api/admin/approvals"), { headers: { cookie: cookie! } })).status).toBe(401);
  });

  it("makes guessing slow: a peer that gave ten wrong tokens in a minute gets 429, even with the right one", async () => {
    await start();
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await logIn("", `wrong-token-${attempt}-0123456789`)).status).toBe(401);
    expect((await logIn()).status).toBe(429);
  });

  it("logs out: the cookie is removed", async () => {
    await start();
    const { cookie } = await logIn();
    const logout = await fetch(url("/admin/logout"), { method: "POST", redirect: "manual", headers: { cookie: cookie!, origin: origin() } });
    expect(logout.status).toBe(303);
    expect(logout.headers.get("set-cookie")).toMatch(/^pincer_session=; Path=\/; Max-Age=0; SameSite=Strict; HttpOnly$/);
  });

  it("falls back to PINCER_LOCALE when the browser names none of its languages", async () => {
    await start({ PINCER_LOCALE: "zh-CN" });
    const page = await fetch(url("/admin/approvals"), { headers: { ...bearer, "accept-language": "fr-FR" } });
    expect(await page.text()).toContain("没有等待决定的请求。");
    expect(await (await fetch(url("/admin/access"), { headers: { "accept-language": "fr-FR" } })).text()).toContain("管理令牌");
  });

  it("speaks Chinese to a Chinese browser, and remembers ?lang=", async () => {
    await start();
    const { cookie } = await logIn();
    const chinese = await fetch(url("/admin/approvals"), { headers: { cookie: cookie!, "accept-language": "zh-CN,zh;q=0.9,en;q=0.5" } });
    expect(await chinese.text()).toContain("没有等待决定的请求。");
    const switched = await fetch(url("/admin/approvals?lang=en"), { headers: { cookie: cookie!, "accept-language": "zh-CN" } });
    expect(await switched.text()).toContain("No request is waiting for a decision.");
    const remembered = switched.headers.get("set-cookie")!.split(";")[0]!;
    expect(await (await fetch(url("/admin/approvals"), { headers: { cookie: `${cookie}; ${remembered}`, "accept-language": "zh-CN" } })).text()).toContain(
      "No request is waiting for a decision.",
    );
  });
});

describe("cross-site requests with the console's cookie", () => {
  it("are refused when the Origin is foreign, missing or null, or the browser says the request is cross-site", async () => {
    await start();
    const { cookie } = await logIn();
    const post = (headers: Record<string, string>) =>
      fetch(url("/api/admin/pairing/revoke"), { method: "POST", headers: { cookie: cookie!, "content-type": "application/json", ...headers }, body: JSON.stringify({ platform: "chat", userId: "x" }) });
    expect((await post({ origin: "http://evil.example" })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: "null" })).status).toBe(403);
    expect((await post({ origin: origin(), "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ origin: origin(), "sec-fetch-site": "same-origin" })).status).toBe(404);
    // The token itself is not sent by browsers on their own: a script's request with it needs no Origin.
    expect((await fetch(url("/api/admin/pairing/revoke"), { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ platform: "chat", userId: "x" }) })).status).toBe(404);
  });

  it("cannot decide an approval with a cross-site form post", async () => {
    const { platform, agent } = await start({}, () => [ask({ toolName: "shell", summary: "rm -rf /", risk: "exec" }, (decision) => [say(decision.isApproved ? "ran" : "not run")])]);
    await platform.deliver(platform.text("bob", "please"));
    const request = await pendingRequest();
    const { cookie } = await logIn();
    const attack = await fetch(url(`/api/admin/approvals/${request!.id}`), {
      method: "POST",
      headers: { cookie: cookie!, "content-type": "text/plain", origin: "http://evil.example" },
      body: JSON.stringify({ approve: true }),
    });
    expect(attack.status).toBe(403);
    const plain = await fetch(url(`/api/admin/approvals/${request!.id}`), { method: "POST", headers: { cookie: cookie!, "content-type": "text/plain", origin: origin() }, body: JSON.stringify({ approve: true }) });
    expect(plain.status).toBe(415);
    expect((await gateway!.store.approvals.get(request!.id))?.status).toBe("pending");
    expect(agent.decisions).toEqual([]);
  });
});

describe("the approvals API", () => {
  it("lists pending requests of every chat and approves one as the console user: the waiting run goes on", async () => {
    const { platform, agent } = await start({}, () => [ask({ toolName: "shell", summary: "echo <b>hi</b>", risk: "exec" }, (decision) => [say(decision.isApproved ? `ran, ${decision.decidedBy}` : "not run")])]);
    await platform.deliver(platform.text("bob", "please"));
    await pendingRequest();
    expect((await fetch(url("/api/admin/approvals?status=pending"))).status).toBe(401);
    expect((await fetch(url("/api/admin/approvals?status=pending"), { headers: { authorization: "Bearer wrong-token" } })).status).toBe(401);
    expect((await fetch(url("/api/admin/approvals?status=maybe"), { headers: bearer })).status).toBe(400);
    const listed = (await (await fetch(url("/api/admin/approvals?status=pending"), { headers: bearer })).json()) as { approvals: { id: string; tool: string; requesterRef: string }[] };
    expect(listed.approvals).toMatchObject([{ tool: "shell", requesterRef: "chat:bob" }]);
    const id = listed.approvals[0]!.id;

    const page = await (await fetch(url("/admin/approvals"), { headers: bearer })).text();
    expect(page).toContain("echo &#60;b&#62;hi&#60;/b&#62;");
    expect(page).not.toContain("<b>hi</b>");

    const { cookie } = await logIn("Ada");
    const decide = (approve: unknown, headers: Record<string, string> = {}) =>
      fetch(url(`/api/admin/approvals/${id}`), { method: "POST", headers: { cookie: cookie!, origin: origin(), "content-type": "application/json", ...headers }, body: JSON.stringify({ approve }) });
    expect((await decide("yes")).status).toBe(400);
    const approved = await decide(true);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ approval: { id, status: "approved", decidedBy: "console:Ada" } });
    await eventually(() => platform.texts().includes("ran, console:Ada"));
    expect(agent.decisions).toMatchObject([{ isApproved: true, decidedBy: "console:Ada" }]);
    expect((await decide(false)).status).toBe(409);
    expect((await fetch(url("/api/admin/approvals/zzzzz"), { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ approve: true }) })).status).toBe(404);
    const all = (await (await fetch(url("/api/admin/approvals?status=all"), { headers: bearer })).json()) as { approvals: unknown[] };
    expect(all.approvals).toMatchObject([{ id, status: "approved", decidedBy: "console:Ada" }]);
  });
});

describe("the pairing and access API", () => {
  it("lists who waits and who paired with the configured lists, approves a code and revokes a paired person, who must pair again", async () => {
    const { platform } = await start({ PINCER_DM_POLICY: "pairing", PINCER_ADMINS: "chat:alice", PINCER_ALLOW_FROM: "chat:carol", PINCER_ALLOW_GROUPS: "chat:team" });
    await platform.deliver(platform.text("dave", "hello"));
    await gateway!.pipeline.idle();
    expect((await fetch(url("/api/admin/access"))).status).toBe(401);
    const access = (await (await fetch(url("/api/admin/access"), { headers: bearer })).json()) as { pending: { code: string }[]; paired: unknown[]; configured: unknown };
    expect(access.configured).toEqual({ dmPolicy: "pairing", groupPolicy: "pairing", allowFrom: ["chat:carol"], admins: ["chat:alice"], allowGroups: ["chat:team"] });
    expect(access.paired).toEqual([]);
    const code = access.pending[0]!.code;
    const post = (path: string, body: unknown) => fetch(url(path), { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("/api/admin/pairing/approve", { platform: "chat", code })).status).toBe(200);
    const paired = (await (await fetch(url("/api/admin/access"), { headers: bearer })).json()) as { paired: { userId: string }[] };
    expect(paired.paired).toMatchObject([{ userId: "dave" }]);
    const page = await (await fetch(url("/admin/access"), { headers: bearer })).text();
    expect(page).toContain("<code>chat:carol</code>");
    expect(page).toContain('data-api="/api/admin/pairing/revoke"');

    expect((await post("/api/admin/pairing/revoke", { platform: "chat" })).status).toBe(400);
    expect((await post("/api/admin/pairing/revoke", { platform: "chat", userId: "dave" })).status).toBe(200);
    expect((await post("/api/admin/pairing/revoke", { platform: "chat", userId: "dave" })).status).toBe(404);
    const before = platform.texts().length;
    await platform.deliver(platform.text("dave", "/echo am I in?"));
    await gateway!.pipeline.idle();
    expect(platform.texts().slice(before).join("\n")).toMatch(/[A-Z2-9]{8}/);
    expect(platform.texts()).not.toContain("am I in?");
  });
});

describe("the overview", () => {
  it("shows each channel's state and last message, activity, queue and today's usage against the caps, with hostile text escaped", async () => {
    const { platform } = await start({ PINCER_DAILY_TOKENS_PER_USER: "5000" });
    await platform.deliver(platform.text("<img src=x onerror=alert(1)>", "hi"));
    await eventually(() => platform.texts().includes("hi"));
    await gateway!.pipeline.idle();
    await gateway!.store.usage.record({ at: Date.now(), userRef: "chat:<script>", conversationKey: "chat:x", model: "m", inputTokens: 1200, outputTokens: 34, cachedTokens: 0, costUsd: 0.0123 });
    for (const [id, owner] of [["m1", "user:chat:ada"], ["m2", "user:chat:ada"], ["m3", "chat:chat:x"]] as const) {
      await gateway!.store.memories.add({ id, owner, text: `the secret door code ${id}`, authorRef: "chat:ada", conversationKey: "chat:x", createdAt: Date.now() });
    }
    const overview = (await (await fetch(url("/api/admin/overview?hours=1"), { headers: bearer })).json()) as {
      channels: { id: string; state: string; lastEventAt?: number }[];
      activity: { inbound: number; outbound: number; runs: number }[];
      queueDepth: number;
      today: { total: { inputTokens: number } };
      caps: { tokensPerUser: number };
      hours: number;
    };
    expect(overview.hours).toBe(1);
    expect(overview.activity).toHaveLength(60);
    expect(overview.channels.find((channel) => channel.id === "chat")).toMatchObject({ state: "ready", lastEventAt: expect.any(Number) });
    expect(overview.channels.find((channel) => channel.id === "web")).not.toHaveProperty("lastEventAt");
    expect(overview.activity.reduce((sum, bucket) => sum + bucket.inbound, 0)).toBe(1);
    expect(overview.activity.reduce((sum, bucket) => sum + bucket.runs, 0)).toBe(1);
    expect(overview.activity.reduce((sum, bucket) => sum + bucket.outbound, 0)).toBeGreaterThanOrEqual(1);
    expect(overview.queueDepth).toBe(0);
    expect(overview.today.total.inputTokens).toBe(1200);
    expect(overview.caps.tokensPerUser).toBe(5000);

    const page = await (await fetch(url("/admin"), { headers: bearer })).text();
    expect(page).toContain('<polyline data-series="inbound"');
    expect(page).toContain("1,234 of 5,000 per day");
    expect(page).not.toContain("<script>");
    expect(page).toContain("chat:&#60;script&#62;");
    expect(page).not.toContain("<img src=x");
    // Memories: counts only, never a memory's text.
    expect(page).toMatch(/Memories kept \(1 people, 1 chats\)<\/div><div class="value">3</);
    expect(page).not.toContain("secret door code");
  });
});
