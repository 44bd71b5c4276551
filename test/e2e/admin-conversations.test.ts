import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationListPage, ConversationMessagesPage } from "../../core/store/conversation-store.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { fakeAgent, pause, say } from "../support/fake-agent.ts";
import { openWebChat, ownerAuth, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";
import { message } from "../core/fixtures.ts";

let gateway: Gateway | undefined;
let model: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await model?.close();
  gateway = undefined;
  model = undefined;
});

const url = (path: string) => `${gateway!.url}${path.replace(/^\//, "")}`;
const get = (path: string, headers: Record<string, string> = ownerAuth(gateway!)) => fetch(url(path), { headers });
const post = (path: string, body: unknown, headers: Record<string, string> = ownerAuth(gateway!)) =>
  fetch(url(path), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const getJson = async <T>(path: string): Promise<T> => {
  const response = await get(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
};

const chat = (n: number): ConversationRef => ({ platform: "telegram", chatId: `chat-${n}`, kind: n % 2 === 0 ? "direct" : "group" });

describe("the console's conversations API", () => {
  it("needs the admin token on every route: none or a wrong one is 401, a cross-site POST is refused", async () => {
    ({ gateway } = await startTestGateway());
    const wrong = { authorization: "Bearer not-the-admin-token-0000000000" };
    const reads = ["/api/admin/conversations", "/api/admin/conversations/web%3Ax", "/admin/conversations", "/admin/conversations/web%3Ax"];
    for (const path of reads) {
      expect((await get(path, {})).status, path).toBe(401);
      expect((await get(path, wrong)).status, path).toBe(401);
    }
    const writes = ["/api/admin/conversations/web%3Ax/stop", "/api/admin/conversations/web%3Ax/new-session", "/api/admin/approvals/abcde"];
    for (const path of writes) {
      expect((await post(path, { approve: true }, {})).status, path).toBe(401);
      expect((await post(path, { approve: true }, wrong)).status, path).toBe(401);
      const crossSite = await post(path, { approve: true }, { ...ownerAuth(gateway), origin: "https://evil.example" });
      expect(crossSite.status, path).toBe(403);
    }
    expect((await post("/api/admin/approvals/abcde", { approve: true })).status).toBe(404);
    expect((await post("/api/admin/approvals/abcde", { approve: "yes" })).status).toBe(400);
    expect((await get("/api/admin/conversations?limit=0")).status).toBe(400);
    expect((await get("/api/admin/conversations/web%3Anone")).status).toBe(404);
  });

  it("pages through conversations, most recent first, and finds them by message text", async () => {
    ({ gateway } = await startTestGateway());
    const t0 = Date.now() - 100_000;
    for (let n = 0; n < 25; n += 1) {
      const text = n === 3 ? "the backup job failed overnight" : n === 7 ? "请检查数据库连接" : `hello number ${n}`;
      await gateway.store.inbox.insert(message({ id: `m${n}`, conversation: chat(n), text }), t0 + n);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 10; round += 1) {
      const page = await getJson<ConversationListPage>(`/api/admin/conversations?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.conversations.length).toBeLessThanOrEqual(10);
      seen.push(...page.conversations.map((each) => each.chatId));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe("chat-24");
    expect(new Set(seen).size).toBe(25);

    const found = await getJson<ConversationListPage>(`/api/admin/conversations?search=${encodeURIComponent("backup job")}`);
    expect(found.conversations.map((each) => each.chatId)).toEqual(["chat-3"]);
    const chinese = await getJson<ConversationListPage>(`/api/admin/conversations?search=${encodeURIComponent("数据库")}`);
    expect(chinese.conversations.map((each) => each.chatId)).toEqual(["chat-7"]);
    const html = await (await get(`/admin/conversations?search=${encodeURIComponent("backup job")}`)).text();
    expect(html).toContain("chat-3");
    expect(html).not.toContain("chat-24");
  });

  it("shows a scripted exchange with a tool call: the approval given from the console, the run it continued, tokens, replies", async () => {
    model = await startFakeOpenAI();
    ({ gateway } = await startTestGateway({
      OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini", WORKSPACE_DIR: join(tempDataDir(), "workspace"),
    }));
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo console-approved" } }], usage: { inputTokens: 400, outputTokens: 20 } },
      { type: "text", text: "The command printed console-approved.", usage: { inputTokens: 450, outputTokens: 12 } },
    );
    const web = await openWebChat(gateway, "console1");
    await web.say("run the echo please");
    await web.waitFor(() => web.botMessages().some((each) => each.part.type === "buttons"));
    const key = encodeURIComponent("web:console1");

    const waiting = await getJson<ConversationMessagesPage>(`/api/admin/conversations/${key}`);
    const pending = waiting.messages[0]!.runs[0]!.approvals[0]!;
    expect(pending).toMatchObject({ tool: "shell", status: "pending" });
    expect(await (await get(`/admin/conversations/${key}`)).text()).toContain(`data-post="/api/admin/approvals/${pending.id}"`);

    const decided = await post(`/api/admin/approvals/${pending.id}`, { approve: true });
    expect(decided.status).toBe(200);
    await web.waitFor(() => web.texts().includes("The command printed console-approved."));
    await gateway.pipeline.idle();
    expect((await post(`/api/admin/approvals/${pending.id}`, { approve: false })).status).toBe(409);

    const shown = await getJson<ConversationMessagesPage>(`/api/admin/conversations/${key}`);
    expect(shown.conversation).toMatchObject({ platform: "web", chatId: "console1", messageCount: 1, lastText: "run the echo please" });
    const [asked] = shown.messages;
    expect(asked).toMatchObject({ text: "run the echo please", status: "done" });
    const run = asked!.runs[0]!;
    expect(run).toMatchObject({ outcome: "ok" });
    expect(run.steps.map((step) => step.kind)).toEqual(["tool-call", "tool-decision", "tool-result"]);
    expect(run.steps[0]!.detail).toMatchObject({ tool: "shell", summary: expect.stringContaining("echo console-approved") });
    expect(run.steps[2]!.detail).toMatchObject({ preview: expect.stringContaining("console-approved") });
    expect(run.approvals).toEqual([expect.objectContaining({ id: pending.id, status: "approved", decidedBy: "console:owner" })]);
    expect(run.modelCalls.map((call) => [call.model, call.inputTokens, call.outputTokens])).toEqual([["gpt-4o-mini", 400, 20], ["gpt-4o-mini", 450, 12]]);
    expect(run.replies.some((part) => part.text === "The command printed console-approved." && part.status === "sent")).toBe(true);

    const html = await (await get(`/admin/conversations/${key}`)).text();
    expect(html).toContain("echo console-approved");
    expect(html).toContain("console:owner");
    expect(html).toContain("gpt-4o-mini");
    await web.close();
  });

  it("stops a conversation's run and starts a new session, as /stop and /new do", async () => {
    const { agent } = fakeAgent((input) => (input.text.includes("long") ? [say("working…"), pause(30_000), say("never")] : [say("ok")]));
    ({ gateway } = await startTestGateway({}, { agent }));
    const web = await openWebChat(gateway, "console2");
    const key = encodeURIComponent("web:console2");
    await web.say("a short one");
    await web.waitFor(() => web.texts().includes("ok"));
    await gateway.pipeline.idle();
    await web.say("a long one");
    await web.waitFor(() => web.texts().some((text) => text.startsWith("working")));
    const stateOf = async () => (await getJson<{ conversations: { key: string; state: string }[] }>("/api/admin/conversations")).conversations.find((each) => each.key === "web:console2")?.state;
    expect(await stateOf()).toBe("running");
    expect(await (await get(`/admin/conversations/${key}`)).text()).toContain("running now");

    expect(await (await post(`/api/admin/conversations/${key}/stop`, {})).json()).toEqual({ isStopped: true });
    await gateway.pipeline.idle();
    expect(web.texts()).not.toContain("never");
    expect(await stateOf()).toBe("idle");
    expect(await (await post(`/api/admin/conversations/${key}/stop`, {})).json()).toEqual({ isStopped: false });
    const shown = await getJson<ConversationMessagesPage>(`/api/admin/conversations/${key}`);
    expect(shown.messages.map((each) => each.runs[0]?.outcome)).toEqual(["ok", "stopped"]);

    expect(await gateway.store.sessions.history("web:console2", 10)).not.toEqual([]);
    expect(await (await post(`/api/admin/conversations/${key}/new-session`, {})).json()).toEqual({ isNewSession: true });
    expect(await gateway.store.sessions.history("web:console2", 10)).toEqual([]);
    await web.close();
  });
});

describe("the console's conversation pages", () => {
  it("escapes what people wrote, and shows the run under the message", async () => {
    ({ gateway } = await startTestGateway({}, { agent: fakeAgent().agent }));
    const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    await gateway.store.inbox.insert(
      message({ id: "h1", conversation: chat(1), text: hostile, sender: { id: "u<b>", displayName: `<b onclick="x()">Eve</b>`, isBot: false } }),
      Date.now(),
    );
    const list = await (await get("/admin/conversations")).text();
    const page = await (await get(`/admin/conversations/${encodeURIComponent("telegram:chat-1")}`)).text();
    for (const html of [list, page]) {
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain('<b onclick');
      expect(html).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;");
    }

    const web = await openWebChat(gateway, "page1");
    await web.say("shown on the page");
    await web.waitFor(() => web.texts().includes("shown on the page"));
    await gateway.pipeline.idle();
    const shown = await (await get(`/admin/conversations/${encodeURIComponent("web:page1")}?lang=zh-CN`)).text();
    expect(shown).toContain('<html lang="zh-CN">');
    expect(shown).toContain("运行");
    expect(shown).toMatch(/<section class="run"/);
    expect(shown).toContain("shown on the page");
    expect(shown).toContain(`class="state-sent">sent`);
    await web.close();
  });
});
