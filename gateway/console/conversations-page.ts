import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "../../core/i18n/catalogue.ts";
import type {
  ConversationListPage, ConversationMessage, ConversationMessagesPage, ConversationRun, RunStep,
} from "../../core/store/conversation-store.ts";
import { html, raw, type RawHtml } from "./html.ts";
import { consolePage } from "./layout.ts";

const style = `
  form.search { display: flex; gap: .5rem; margin-bottom: 1rem; } form.search input { flex: 1; padding: .3rem; }
  .actions { display: flex; gap: .5rem; margin: .5rem 0 1rem; }
  article.message { border: 1px solid var(--line); border-radius: .5rem; padding: .6rem .8rem; margin-bottom: .8rem; }
  article.message > header { display: flex; gap: .8rem; align-items: baseline; flex-wrap: wrap; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .4rem 0; }
  section.run { border-left: 3px solid var(--accent); padding-left: .8rem; margin-top: .6rem; }
  section.run h3 { font-size: 1rem; margin: .2rem 0; } section.run h4 { font-size: .9rem; margin: .6rem 0 .2rem; }
  .pager { display: flex; gap: 1rem; margin-top: 1rem; }
  .state-failed, .state-error { color: #c03020; } .state-pending, .state-sending, .state-running { color: #b07000; }
`;

/** Posts `{}` (or the button's body) as JSON with the session's credentials, shows the answer, reloads on success. */
const actionScript = `
const result = document.getElementById("result");
for (const button of document.querySelectorAll("button[data-post]")) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.post, {
        method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: button.dataset.body || "{}",
      });
      const body = await response.json().catch(() => ({}));
      result.textContent = response.ok ? (body.answer || result.dataset.done) : result.dataset.failed.replace("{error}", body.error || String(response.status));
      if (response.ok) setTimeout(() => location.reload(), 800);
    } catch (error) {
      result.textContent = result.dataset.failed.replace("{error}", String(error));
    } finally {
      button.disabled = false;
    }
  });
}`;

/** The search form navigates (the console's pages allow no form submission): `?search=…`. */
const searchScript = `
const form = document.getElementById("search");
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const search = new FormData(form).get("search");
  location.search = search ? "?search=" + encodeURIComponent(String(search)) : "";
});`;

const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
const time = (ms: number) => html`<time datetime="${new Date(ms).toISOString()}">${at(ms)}</time>`;
export const conversationPath = (key: string) => `/admin/conversations/${encodeURIComponent(key)}`;
/** `/admin/trace/<channel>/<messageId>`: the inbox key is `<channel>:<messageId>` (a web chat's message id holds a colon). */
export function tracePath(message: Pick<ConversationMessage, "key" | "messageId">): string {
  const channel = message.key.slice(0, message.key.length - message.messageId.length - 1);
  return `/admin/trace/${encodeURIComponent(channel)}/${encodeURIComponent(message.messageId)}`;
}
const apiPath = (key: string) => `/api/admin/conversations/${encodeURIComponent(key)}`;

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "");
  return entries.length === 0 ? "?" : `?${new URLSearchParams(entries).toString()}`;
}

type T = (key: MessageKey, params?: MessageParams) => string;

type ListedPage = Omit<ConversationListPage, "conversations"> & {
  conversations: (ConversationListPage["conversations"][number] & { state?: "running" | "idle" })[];
};

export function conversationListPage(locale: Locale, page: ListedPage, search: string | undefined): HtmlPage {
  const t: T = (key, params) => translate(locale, key, params);
  const rows = page.conversations.map(
    (conversation) => html`<tr>
<td>${conversation.platform}${conversation.channelId === conversation.platform ? "" : ` (${conversation.channelId})`}</td>
<td><a href="${conversationPath(conversation.key)}">${conversation.chatId}</a> <span class="muted">${t(`conversations.kind.${conversation.kind}`)}</span>${conversation.state === "running" ? html` <span class="state-running">${t("conversations.state.running")}</span>` : ""}</td>
<td><strong>${conversation.lastSender}</strong>: ${conversation.lastText}</td>
<td>${time(conversation.lastAt)}</td>
<td>${conversation.messageCount}</td>
</tr>`,
  );
  const empty = search ? t("conversations.noneFound", { search }) : t("conversations.none");
  const body = html`<style>${raw(style)}</style>
<form class="search" id="search" role="search">
<input type="search" name="search" value="${search ?? ""}" placeholder="${t("conversations.search")}" aria-label="${t("conversations.search")}">
<button>${t("conversations.searchButton")}</button>${search ? html` <a href="?">${t("conversations.clear")}</a>` : ""}
</form>
${page.conversations.length === 0 ? html`<p class="muted">${empty}</p>` : html`<table>
<thead><tr><th>${t("conversations.column.platform")}</th><th>${t("conversations.column.chat")}</th><th>${t("conversations.column.last")}</th><th>${t("conversations.column.when")}</th><th>${t("conversations.column.messages")}</th></tr></thead>
<tbody>${rows}</tbody>
</table>`}
<p class="pager"><a href="${query({ search })}">${t("conversations.newer")}</a>${page.nextCursor ? html`<a rel="next" href="${query({ search, cursor: page.nextCursor })}">${t("conversations.older")}</a>` : ""}</p>`;
  return consolePage({ locale, section: "conversations", body, scripts: [searchScript] });
}

function stepSummary(step: RunStep): string {
  const detail = step.detail;
  const tool = typeof detail.tool === "string" ? detail.tool : "";
  const what = ["summary", "preview", "error", "decidedBy"].map((name) => detail[name]).find((value) => typeof value === "string") as string | undefined;
  const shown = what && what.length > 80 ? `${what.slice(0, 80)}…` : (what ?? "");
  return [step.kind, tool, shown].filter(Boolean).join(" · ");
}

function runSection(run: ConversationRun, t: T, key: string): RawHtml {
  const outcome = run.outcome ?? "running";
  const seconds = run.endedAt === undefined ? undefined : ((run.endedAt - run.startedAt) / 1000).toFixed(1);
  const models = [...new Set(run.modelCalls.map((call) => call.model))].join(", ");
  const steps = run.steps.map(
    (step) => html`<li><details><summary>${time(step.at)} ${stepSummary(step)}</summary><pre>${JSON.stringify(step.detail, null, 2)}</pre></details></li>`,
  );
  const approvals = run.approvals.map((approval) =>
    approval.status === "pending"
      ? html`<li>${t("conversations.approvalPending", { tool: approval.tool, at: at(approval.expiresAt) })} <code>${approval.summary}</code>
<button data-post="/api/admin/approvals/${encodeURIComponent(approval.id)}" data-body='{"approve":true}'>${t("conversations.approve")}</button>
<button data-post="/api/admin/approvals/${encodeURIComponent(approval.id)}" data-body='{"approve":false}'>${t("conversations.deny")}</button></li>`
      : html`<li>${t("conversations.approvalLine", { tool: approval.tool, status: approval.status, by: approval.decidedBy ?? "", at: at(approval.decidedAt ?? approval.createdAt) })} <code>${approval.summary}</code></li>`,
  );
  const total = run.modelCalls.reduce((sum, call) => ({ input: sum.input + call.inputTokens, output: sum.output + call.outputTokens, cost: sum.cost + call.costUsd }), { input: 0, output: 0, cost: 0 });
  const calls = run.modelCalls.map(
    (call) => html`<tr><td>${call.model}</td><td>${call.inputTokens}</td><td>${call.outputTokens}</td><td>${call.costUsd.toFixed(6)}</td></tr>`,
  );
  const replies = run.replies.map(
    (reply) => html`<tr><td>${reply.type}</td><td>${reply.text.length > 120 ? html`<details><summary>${reply.text.slice(0, 120)}…</summary><div class="text">${reply.text}</div></details>` : reply.text}</td>
<td class="state-${reply.status}">${reply.status}${reply.attempts > 1 ? ` (${t("conversations.attempts", { attempts: reply.attempts })})` : ""}${reply.lastError ? html`<br><span class="error">${reply.lastError}</span>` : ""}</td></tr>`,
  );
  return html`<section class="run" id="run-${run.ref}" data-conversation="${key}">
<h3>${t("conversations.run", { ref: run.ref })}</h3>
<p>${t("conversations.agent")}: <strong>${run.agentId}</strong>${models ? ` · ${models}` : ""} · ${t("conversations.outcome")}: <span class="state-${outcome}">${t(`conversations.outcome.${outcome}`)}</span>${seconds === undefined ? "" : ` · ${t("conversations.duration", { seconds })}`}${run.detail ? html` · <span class="muted">${run.detail}</span>` : ""}</p>
${steps.length > 0 ? html`<h4>${t("conversations.steps")}</h4><ul>${steps}</ul>` : ""}
${approvals.length > 0 ? html`<h4>${t("conversations.approvals")}</h4><ul>${approvals}</ul>` : ""}
${calls.length > 0 ? html`<h4>${t("conversations.modelCalls")}</h4><table><thead><tr><th>${t("conversations.column.model")}</th><th>${t("conversations.column.input")}</th><th>${t("conversations.column.output")}</th><th>${t("conversations.column.cost")}</th></tr></thead>
<tbody>${calls}<tr><th>${t("conversations.total")}</th><th>${total.input}</th><th>${total.output}</th><th>${total.cost.toFixed(6)}</th></tr></tbody></table>` : ""}
${replies.length > 0 ? html`<h4>${t("conversations.replies")}</h4><table><thead><tr><th>${t("conversations.column.part")}</th><th></th><th>${t("conversations.column.state")}</th></tr></thead><tbody>${replies}</tbody></table>` : ""}
</section>`;
}

function messageArticle(message: ConversationMessage, t: T, key: string): RawHtml {
  const own = message.runs.filter((run) => run.inboxKeys[0] === message.key);
  const joined = message.runs.filter((run) => run.inboxKeys[0] !== message.key);
  const runs = own.length > 0
    ? own.map((run) => runSection(run, t, key))
    : joined.length > 0
      ? [html`<p class="muted">${t("conversations.sameRun", { ref: joined[0]!.ref })}</p>`]
      : message.status === "done" || message.status === "ignored" ? [html`<p class="muted">${t("conversations.noRun")}</p>`] : [];
  return html`<article class="message" id="message-${message.key}">
<header><strong>${message.sender.displayName || message.sender.id}</strong><span class="muted">${message.sender.id}</span>${time(message.receivedAt)}<span class="muted">${t(`conversations.status.${message.status}`)}</span><a class="trace" href="${tracePath(message)}">${t("conversations.trace")}</a></header>
<div class="text">${message.text}</div>
${message.attachments.length > 0 ? html`<p class="muted">${t("conversations.attachments", { list: message.attachments.join(", ") })}</p>` : ""}
${runs}
</article>`;
}

export function conversationDetailPage(locale: Locale, key: string, page: ConversationMessagesPage & { state?: "running" | "idle" }): HtmlPage {
  const t: T = (name, params) => translate(locale, name, params);
  const chat = page.conversation?.chatId ?? key;
  const body = html`<style>${raw(style)}</style>
<p><a href="/admin/conversations">${t("conversations.back")}</a> · <span class="muted">${key}</span>${page.state === "running" ? html` · <span class="state-running">${t("conversations.state.running")}</span>` : ""}</p>
<div class="actions">
<button data-post="${apiPath(key)}/stop">${t("conversations.stop")}</button>
<button data-post="${apiPath(key)}/new-session">${t("conversations.newSession")}</button>
</div>
<p id="result" role="status" data-done="${t("conversations.done")}" data-failed="${t("conversations.failed")}"></p>
${page.nextBefore ? html`<p class="pager"><a rel="prev" href="${query({ before: page.nextBefore })}">${t("conversations.olderMessages")}</a></p>` : ""}
${page.messages.length === 0 ? html`<p class="muted">${t("conversations.unknown")}</p>` : page.messages.map((message) => messageArticle(message, t, key))}`;
  return consolePage({ locale, section: "conversations", title: t("conversations.title", { chat }), body, scripts: [actionScript] });
}
