/** The web chat: one page, no build step. The API token (when the server needs one) comes from `#token=`. */
export const chatPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pincer</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; display: flex; flex-direction: column; height: 100vh; }
  header { padding: .6rem 1rem; border-bottom: 1px solid #8884; display: flex; gap: 1rem; align-items: baseline; }
  header h1 { font-size: 1.1rem; margin: 0; }
  header small { opacity: .7; }
  #log { flex: 1; overflow-y: auto; padding: 1rem; display: flex; flex-direction: column; gap: .5rem; }
  .msg { box-sizing: border-box; max-width: min(46rem, 100%); padding: .5rem .75rem; border-radius: .6rem; white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.4; }
  .user { align-self: flex-end; background: #2f6feb33; }
  .bot { align-self: flex-start; background: #8882; }
  .error { align-self: flex-start; background: #d0302033; }
  code, pre { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
  pre { background: #0002; padding: .5rem; overflow-x: auto; margin: .3rem 0; }
  form { display: flex; gap: .5rem; padding: .75rem 1rem; border-top: 1px solid #8884; }
  textarea { flex: 1; font: inherit; padding: .5rem; resize: none; }
  button { font: inherit; padding: .5rem 1rem; }
  #typing { opacity: .6; padding: 0 1rem; height: 1.2rem; }
</style>
</head>
<body>
<header><h1>Pincer</h1><small>web chat: /help lists the commands, /new starts over, /stop stops a reply</small></header>
<main id="log" aria-live="polite"></main>
<div id="typing"></div>
<form id="form">
  <textarea id="text" rows="2" placeholder="Message (Enter to send, Shift+Enter for a new line)" autofocus></textarea>
  <button type="submit">Send</button>
</form>
<script type="module">
const hashToken = new URLSearchParams(location.hash.slice(1)).get("token");
if (hashToken) { localStorage.setItem("pincer.token", hashToken); history.replaceState(null, "", location.pathname); }
const token = localStorage.getItem("pincer.token");
const conversationId = localStorage.getItem("pincer.conversation") ?? crypto.randomUUID().replaceAll("-", "");
localStorage.setItem("pincer.conversation", conversationId);
const log = document.getElementById("log");
const typing = document.getElementById("typing");
const bubbles = new Map();

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}
function render(markdown) {
  return escapeHtml(markdown)
    .replace(/\`\`\`[^\\n]*\\n([\\s\\S]*?)(\`\`\`\\n?|$)/g, (_, code) => "<pre>" + code + "</pre>")
    .replace(/\`([^\`\\n]+)\`/g, "<code>$1</code>")
    .replace(/\\*\\*([^*\\n]+)\\*\\*/g, "<strong>$1</strong>");
}
function partHtml(part) {
  switch (part.type) {
    case "markdown": return render(part.text);
    case "error": return escapeHtml(part.message) + " <small>(ref " + escapeHtml(part.ref) + ")</small>";
    case "buttons": return render(part.text) + "<br>" + part.buttons.map((b) => '<button type="button" data-say="/' + escapeHtml(b.id) + '">' + escapeHtml(b.label) + "</button>").join(" ");
    default: return "<em>[" + escapeHtml(part.type) + "]</em>";
  }
}
function show(id, kind, html) {
  let bubble = id && bubbles.get(id);
  if (!bubble) {
    bubble = document.createElement("div");
    bubble.className = "msg " + kind;
    log.append(bubble);
    if (id) bubbles.set(id, bubble);
  }
  bubble.innerHTML = html;
  log.scrollTop = log.scrollHeight;
}
const events = new EventSource("/api/web/events?conversationId=" + conversationId + (token ? "&token=" + encodeURIComponent(token) : ""));
for (const type of ["message", "edit"]) {
  events.addEventListener(type, (event) => {
    const data = JSON.parse(event.data);
    typing.textContent = "";
    show(data.messageId, data.part.type === "error" ? "error" : "bot", partHtml(data.part));
  });
}
events.addEventListener("typing", () => { typing.textContent = "Pincer is working…"; });

async function say(text) {
  show(null, "user", escapeHtml(text));
  const response = await fetch("/api/web/messages", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: "Bearer " + token } : {}) },
    body: JSON.stringify({ conversationId, messageId: crypto.randomUUID().replaceAll("-", ""), text }),
  });
  if (!response.ok) show(null, "error", escapeHtml("Not sent: " + (await response.text())));
}
document.getElementById("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  void say(text);
});
// Buttons in replies (approvals) say their command, as typing it would.
log.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-say]");
  if (!button) return;
  button.closest(".msg").querySelectorAll("button").forEach((each) => { each.disabled = true; });
  void say(button.dataset.say);
});
document.getElementById("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); document.getElementById("form").requestSubmit(); }
});
</script>
</body>
</html>
`;
