import { describe, expect, it } from "vitest";
import type { ConversationMessagesPage, ConversationRun } from "../../../core/store/conversation-store.ts";
import { conversationDetailPage, conversationListPage } from "../../../gateway/console/conversations-page.ts";

const hostile = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
const t0 = 1_796_582_513_326;

const run: ConversationRun = {
  ref: "run-1", agentId: "llm", senderId: "u1", inboxKeys: ["telegram:m1"], startedAt: t0 + 1, endedAt: t0 + 2501, outcome: "ok", detail: undefined,
  steps: [
    { at: t0 + 2, kind: "tool-call", detail: { tool: "shell", summary: `$ echo ${hostile}`, risk: "dangerous" } },
    { at: t0 + 3, kind: "tool-result", detail: { tool: "shell", preview: hostile } },
  ],
  approvals: [
    { id: "ab3cd", tool: "shell", summary: hostile, status: "pending", requesterRef: "telegram:u1", createdAt: t0 + 2, expiresAt: t0 + 600_000, decidedBy: undefined, decidedAt: undefined, isAlways: false },
    { id: "ef4gh", tool: "write_file", summary: "notes.txt", status: "denied", requesterRef: "telegram:u1", createdAt: t0 + 2, expiresAt: t0 + 600_000, decidedBy: "console:admin", decidedAt: t0 + 9, isAlways: false },
  ],
  modelCalls: [
    { at: t0 + 1, model: "gpt-4o-mini", inputTokens: 400, outputTokens: 20, cachedTokens: 0, costUsd: 0.00012 },
    { at: t0 + 5, model: "gpt-4o-mini", inputTokens: 450, outputTokens: 12, cachedTokens: 0, costUsd: 0.0001 },
  ],
  replies: [
    { key: "telegram:m1:0", type: "markdown", text: hostile, status: "sent", attempts: 1, lastError: undefined, messageId: "900" },
    { key: "telegram:m1:1", type: "markdown", text: "second", status: "pending", attempts: 3, lastError: `429 ${hostile}`, messageId: undefined },
  ],
};

const page: ConversationMessagesPage = {
  conversation: { key: "telegram:<c>", channelId: "telegram", platform: "telegram", chatId: "<c>", kind: "group", lastSender: hostile, lastText: hostile, lastAt: t0, messageCount: 2 },
  messages: [
    {
      key: "telegram:m1", messageId: "m1", sender: { id: "u1", displayName: hostile, isBot: false }, text: hostile, attachments: ["image"],
      status: "done", sentAt: t0, receivedAt: t0, runs: [run],
    },
    {
      key: "telegram:m2", messageId: "m2", sender: { id: "u1", displayName: "Ada", isBot: false }, text: "and this", attachments: [],
      status: "done", sentAt: t0, receivedAt: t0 + 1, runs: [run],
    },
  ],
  nextBefore: "17",
};

const withoutScripts = (html: string) => html.replace(/<script type="module">[\s\S]*?<\/script>/g, "");

describe("a conversation's page", () => {
  const html = conversationDetailPage("en", "telegram:<c>", page).html;

  it("escapes everything people and tools wrote: messages, names, tool arguments and results, replies, errors", () => {
    const body = withoutScripts(html);
    expect(body).not.toMatch(/<script>|<img|onerror=alert\(2\)>/);
    expect(body).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(body).not.toContain('"<c>"');
  });

  it("shows the run under the message that caused it: agent, model, steps to open, approvals, tokens and cost, replies", () => {
    expect(html).toContain("Run run-1");
    expect(html).toMatch(/Agent: <strong>llm<\/strong> · gpt-4o-mini · Outcome: <span class="state-ok">ok<\/span> · 2\.5 s/);
    expect(html.match(/<details><summary>/g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('data-post="/api/admin/approvals/ab3cd" data-body=\'{"approve":true}\'');
    expect(html).toContain('data-post="/api/admin/approvals/ab3cd" data-body=\'{"approve":false}\'');
    expect(html).not.toContain("/api/admin/approvals/ef4gh");
    expect(html).toContain("write_file denied by console:admin");
    expect(html).toContain("<th>850</th><th>32</th><th>0.000220</th>");
    expect(html).toContain('class="state-pending">pending (3 attempts)');
    expect(html).toContain("Answered together with the message above (run run-1).");
    expect(html).toContain('data-post="/api/admin/conversations/telegram%3A%3Cc%3E/stop"');
    expect(html).toContain('href="?before=17"');
  });

  it("links each message to its trace, a web chat's message id (with its colon) as one path segment", () => {
    expect(html).toContain('<a class="trace" href="/admin/trace/telegram/m1">Trace</a>');
    expect(html).toContain('href="/admin/trace/telegram/m2"');
    const web = { ...page.messages[1]!, key: "web:conv-1:msg:7", messageId: "conv-1:msg:7" };
    const shown = conversationDetailPage("en", "web:conv-1", { ...page, messages: [web] }).html;
    expect(shown).toContain('href="/admin/trace/web/conv-1%3Amsg%3A7"');
  });

  it("is in Chinese for a Chinese reader", () => {
    const chinese = conversationDetailPage("zh-CN", "telegram:<c>", page).html;
    expect(chinese).toContain("停止运行");
    expect(chinese).toContain("批准");
    expect(chinese).toContain("模型调用");
  });
});

describe("the conversation list", () => {
  it("escapes the search and every conversation's text, links each conversation, and pages on", () => {
    const list = conversationListPage("en", { conversations: [page.conversation!], nextCursor: "abc" }, hostile);
    const body = withoutScripts(list.html);
    expect(body).not.toMatch(/<script>|<img/);
    expect(body).toContain('href="/admin/conversations/telegram%3A%3Cc%3E"');
    expect(body).toContain("rel=\"next\" href=\"?search=");
    expect(body).toContain("cursor=abc");
  });

  it("says when a search found nothing", () => {
    const empty = conversationListPage("zh-CN", { conversations: [], nextCursor: undefined }, "磁盘").html;
    expect(empty).toContain("没有与“磁盘”匹配的会话。");
  });
});
