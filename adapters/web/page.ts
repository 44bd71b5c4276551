import { htmlPage } from "../../core/html-page.ts";

/**
 * The web chat: one page, no build step. The admin token comes once from `#token=` (the link Pincer prints), is kept
 * in localStorage and sent as `Authorization: Bearer`; only the event stream and media links carry it as `?token=`.
 */
export const chatPage = htmlPage(`<!doctype html>
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
  #pending { padding: 0 1rem; font-size: .9em; opacity: .8; }
  .icon { cursor: pointer; font-size: 1.3rem; align-self: center; background: none; border: none; padding: .2rem; }
  #record.on { color: #d03020; }
  .glyph { width: 1.2em; height: 1.2em; vertical-align: -0.25em; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
  small .glyph, a .glyph { width: 1em; height: 1em; vertical-align: -0.15em; }
  #hint { margin: 0; padding: .5rem 1rem; background: #d0302022; }
</style>
</head>
<body>
<header><h1>Pincer</h1><small>web chat: /help lists the commands, /new starts over, /stop stops a reply</small></header>
<p id="hint" hidden>This page needs its access link: open the <code>#token=</code> link Pincer printed when it first started, or add <code>#token=</code> and the token (PINCER_ADMIN_TOKEN, or the file <code>admin-token</code> in the data directory) to this address.</p>
<main id="log" aria-live="polite"></main>
<div id="typing"></div>
<div id="pending"></div>
<form id="form">
  <label class="icon" title="Attach an image or audio file" aria-label="Attach an image or audio file"><svg class="glyph" viewBox="0 0 24 24" aria-hidden="true"><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/></svg><input id="file" type="file" accept="image/*,audio/*" multiple hidden></label>
  <button type="button" id="record" class="icon" title="Record a voice message" aria-label="Record a voice message"><svg class="glyph" viewBox="0 0 24 24" aria-hidden="true"><rect x="9" y="2" width="6" height="12" rx="3"/><path d="M5 10v1a7 7 0 0 0 14 0v-1M12 18v4M8 22h8"/></svg></button>
  <textarea id="text" rows="2" placeholder="Message (Enter to send, Shift+Enter for a new line)" autofocus></textarea>
  <button type="submit">Send</button>
</form>
<script type="module">
// Icons are inline SVG, not emoji: a machine without an emoji font would show empty boxes.
const fileIcon = '<svg class="glyph" viewBox="0 0 24 24" aria-hidden="true"><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"/><path d="M14 2v6h6M8 13h8M8 17h8"/></svg>';
const clipIcon = '<svg class="glyph" viewBox="0 0 24 24" aria-hidden="true"><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/></svg>';
const hashToken = new URLSearchParams(location.hash.slice(1)).get("token");
if (hashToken) { localStorage.setItem("pincer.token", hashToken); history.replaceState(null, "", location.pathname); }
const token = localStorage.getItem("pincer.token");
const showHint = () => { document.getElementById("hint").hidden = false; };
if (!token) showHint();
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
function withToken(url) { return token ? url + "?token=" + encodeURIComponent(token) : url; }
function partHtml(part) {
  switch (part.type) {
    case "markdown": return render(part.text);
    case "error": return escapeHtml(part.message) + " <small>(ref " + escapeHtml(part.ref) + ")</small>";
    case "buttons": return render(part.text) + "<br>" + part.buttons.map((b) => '<button type="button" data-say="/' + escapeHtml(b.id) + '">' + escapeHtml(b.label) + "</button>").join(" ");
    case "image": return part.media.url ? '<img alt="" style="max-width:100%" src="' + withToken(part.media.url) + '">' : "<em>[image]</em>";
    case "audio": if (part.media.url) return '<audio controls preload="none" src="' + withToken(part.media.url) + '"></audio>';
    case "file": return part.media.url
      ? '<a href="' + withToken(part.media.url) + '" download="' + escapeHtml(part.media.fileName ?? "file") + '">' + fileIcon + " " + escapeHtml(part.media.fileName ?? "file") + "</a>" + (part.caption ? " " + escapeHtml(part.caption) : "")
      : "<em>[" + escapeHtml(part.type) + "]</em>";
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
// What was said before a reload (the session's text; live replies follow on the event stream).
fetch("/api/web/history?conversationId=" + conversationId, { headers: token ? { authorization: "Bearer " + token } : {} })
  .then((response) => {
    if (response.status === 401) showHint();
    return response.ok ? response.json() : { messages: [] };
  })
  .then(({ messages }) => {
    const earlier = document.createDocumentFragment();
    for (const message of messages) {
      const bubble = document.createElement("div");
      bubble.className = "msg " + (message.role === "user" ? "user" : "bot");
      bubble.innerHTML = message.role === "user" ? escapeHtml(message.text) : render(message.text);
      earlier.append(bubble);
    }
    log.prepend(earlier);
    log.scrollTop = log.scrollHeight;
  });
const events = new EventSource("/api/web/events?conversationId=" + conversationId + (token ? "&token=" + encodeURIComponent(token) : ""));
for (const type of ["message", "edit"]) {
  events.addEventListener(type, (event) => {
    const data = JSON.parse(event.data);
    typing.textContent = "";
    show(data.messageId, data.part.type === "error" ? "error" : "bot", partHtml(data.part));
  });
}
events.addEventListener("typing", () => { typing.textContent = "Pincer is working…"; });

const auth = token ? { authorization: "Bearer " + token } : {};
let pending = [];
function showPending() {
  document.getElementById("pending").textContent = pending.length ? "Attached: " + pending.map((file) => file.name).join(", ") : "";
}
async function upload(file) {
  const response = await fetch("/api/web/uploads", {
    method: "POST",
    headers: { "content-type": file.type || "application/octet-stream", "x-file-name": encodeURIComponent(file.name), ...auth },
    body: file,
  });
  if (!response.ok) throw new Error(file.name + ": " + (await response.text()));
  return (await response.json()).id;
}
async function say(text, files = []) {
  show(null, "user", escapeHtml(text) + files.map((file) => "<br><small>" + clipIcon + " " + escapeHtml(file.name) + "</small>").join(""));
  try {
    const attachments = await Promise.all(files.map(upload));
    const response = await fetch("/api/web/messages", {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ conversationId, messageId: crypto.randomUUID().replaceAll("-", ""), text, attachments }),
    });
    if (response.status === 401) showHint();
    if (!response.ok) throw new Error(await response.text());
  } catch (error) {
    show(null, "error", escapeHtml("Not sent: " + error.message));
  }
}
document.getElementById("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  const text = input.value.trim();
  if (!text && pending.length === 0) return;
  const files = pending;
  input.value = "";
  pending = [];
  showPending();
  void say(text, files);
});
document.getElementById("file").addEventListener("change", (event) => {
  pending = [...pending, ...event.target.files].slice(0, 4);
  event.target.value = "";
  showPending();
});
// Voice messages: record with the microphone, send on the second press.
let recorder;
document.getElementById("record").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  if (recorder) { recorder.stop(); return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (e) => chunks.push(e.data));
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((track) => track.stop());
      const type = recorder.mimeType.split(";")[0] || "audio/webm";
      recorder = undefined;
      button.classList.remove("on");
      void say("", [new File(chunks, "voice-note." + (type.split("/")[1] || "webm"), { type })]);
    });
    recorder.start();
    button.classList.add("on");
  } catch (error) {
    show(null, "error", escapeHtml("Cannot record: " + error.message));
  }
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
`);
