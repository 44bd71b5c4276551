import { htmlPage, type HtmlPage } from "../core/html-page.ts";

/** A platform the owner logs in from this page (its descriptor's `login.kind` is `admin`). */
export interface LoginSection {
  platform: string;
  displayName: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);

/** Its heading, button, QR code, code form and progress lines; the ids carry the platform's name. */
const loginSection = ({ platform, displayName }: LoginSection) => `<h3>${escapeHtml(displayName)}</h3>
<p><button id="${platform}-login" data-login="${platform}">Log in with a QR code</button> <span id="${platform}-state"></span></p>
<div id="${platform}-qr" class="qr"></div>
<form id="${platform}-code" data-login="${platform}" hidden><input name="code" placeholder="the number WeChat shows" autocomplete="off"> <button>Send</button></form>
<pre id="${platform}-messages" hidden></pre>`;

/**
 * `/admin`: each channel's state (with the QR code while a WeChat login waits for a scan, and the logins of the
 * platforms that log in from here, such as ClawBot),
 * pending pairing requests with an Approve button, and usage. The admin token comes from `#token=` (kept in
 * localStorage, shared with the web chat) and is sent as `Authorization: Bearer`.
 */
export const adminPage = (logins: LoginSection[]): HtmlPage => htmlPage(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Pincer admin</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 52rem; margin: 0 auto; padding: 1rem; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #8884; }
  pre { background: #8881; padding: .6rem; white-space: pre-wrap; }
  .error { color: #c03020; }
  .qr svg { width: 14rem; height: 14rem; background: #fff; }
</style>
</head>
<body>
<h1>Pincer admin</h1>
<p id="error" class="error"></p>
<h2>Channels</h2>
<table><thead><tr><th>Channel</th><th>State</th><th>Detail</th></tr></thead><tbody id="channels"></tbody></table>
<div id="channel-qr" class="qr"></div>
${logins.map(loginSection).join("\n")}
<h2>Waiting to pair</h2>
<table><thead><tr><th>Platform</th><th>User or group</th><th>Name</th><th>Code</th><th>Expires</th><th></th></tr></thead><tbody id="pending"></tbody></table>
<h2>Jobs</h2>
<table><thead><tr><th>Id</th><th>Chat</th><th>By</th><th>Schedule</th><th>State</th><th>Next run</th><th>Last run</th><th>Prompt</th><th></th></tr></thead><tbody id="jobs"></tbody></table>
<h2>Usage</h2>
<pre id="usage"></pre>
<script type="module">
const hashToken = new URLSearchParams(location.hash.slice(1)).get("token");
if (hashToken) { localStorage.setItem("pincer.token", hashToken); history.replaceState(null, "", location.pathname); }
const token = localStorage.getItem("pincer.token");
const headers = { "content-type": "application/json", ...(token ? { authorization: "Bearer " + token } : {}) };
const text = (value) => document.createTextNode(String(value));
async function api(path, body) {
  const response = await fetch(path, body ? { method: "POST", headers, body: JSON.stringify(body) } : { headers });
  if (!response.ok) throw new Error(path + ": " + (await response.text()));
  return response.json();
}
async function refresh() {
  try {
    const { pending } = await api("/api/admin/pairing");
    const rows = document.getElementById("pending");
    rows.replaceChildren(...pending.map((request) => {
      const row = document.createElement("tr");
      for (const value of [request.platform, request.chatId ? "group " + request.chatId : request.userId, request.chatId ? request.displayName + " (asked first)" : request.displayName, request.code, new Date(request.expiresAt).toLocaleTimeString()]) {
        const cell = document.createElement("td");
        cell.append(text(value));
        row.append(cell);
      }
      const button = document.createElement("button");
      button.textContent = "Approve";
      button.addEventListener("click", async () => {
        await api("/api/admin/pairing/approve", { platform: request.platform, code: request.code }).catch(show);
        await refresh();
      });
      const cell = document.createElement("td");
      cell.append(button);
      row.append(cell);
      return row;
    }));
    if (pending.length === 0) rows.innerHTML = "<tr><td colspan=6>Nobody is waiting.</td></tr>";
    document.getElementById("usage").textContent = (await api("/api/admin/usage")).summary;
    await refreshJobs();
    await refreshChannels();
  } catch (error) {
    show(error);
  }
}
const when = (at) => (at === undefined || at === null ? "" : new Date(at).toLocaleString());
const scheduleText = (schedule) => schedule.type === "every" ? "every " + Math.round(schedule.intervalMs / 1000) + " s" : schedule.type === "cron" ? "cron " + schedule.expr : schedule.type === "hook" ? "hook" : "once";
async function refreshJobs() {
  const { jobs } = await api("/api/admin/jobs");
  const rows = document.getElementById("jobs");
  rows.replaceChildren(...jobs.map((job) => {
    const row = document.createElement("tr");
    const last = job.lastRun ? when(job.lastRun.dueAt) + ": " + job.lastRun.outcome + (job.lastRun.detail ? " (" + job.lastRun.detail + ")" : "") : "";
    for (const value of [job.id, job.conversation.platform + ":" + job.conversation.chatId, job.creatorName, scheduleText(job.schedule), job.state, when(job.nextRunAt), last, job.prompt.slice(0, 80)]) {
      const cell = document.createElement("td");
      cell.append(text(value));
      row.append(cell);
    }
    const cell = document.createElement("td");
    const actions = job.state === "active" ? ["pause", "cancel"] : job.state === "paused" ? ["resume", "cancel"] : [];
    for (const action of actions) {
      const button = document.createElement("button");
      button.textContent = action[0].toUpperCase() + action.slice(1);
      button.addEventListener("click", async () => {
        await api("/api/admin/jobs", { id: job.id, action }).catch(show);
        await refresh();
      });
      cell.append(button);
    }
    row.append(cell);
    return row;
  }));
  if (jobs.length === 0) rows.innerHTML = "<tr><td colspan=9>No jobs.</td></tr>";
}
async function refreshChannels() {
  const { channels } = await api("/api/admin/channels");
  const rows = document.getElementById("channels");
  rows.replaceChildren(...Object.entries(channels).map(([id, health]) => {
    const row = document.createElement("tr");
    // A channel beyond its platform's default one is named by its id, with its platform.
    for (const value of [health.platform ? id + " (" + health.platform + ")" : id, health.state, health.detail ?? ""]) {
      const cell = document.createElement("td");
      cell.append(text(value));
      row.append(cell);
    }
    return row;
  }));
  // The SVG is drawn by the gateway (the qrcode package) from the puppet's QR text.
  const waiting = Object.values(channels).find((health) => health.loginQrSvg);
  document.getElementById("channel-qr").innerHTML = waiting ? waiting.loginQrSvg : "";
}
function showLogin(platform, status) {
  document.getElementById(platform + "-state").textContent = status.state === "idle" ? "" : status.state + (status.error ? ": " + status.error : "");
  document.getElementById(platform + "-qr").innerHTML = status.state === "waiting-for-scan" && status.qrSvg ? status.qrSvg : "";
  document.getElementById(platform + "-code").hidden = status.state !== "waiting-for-code";
  const messages = document.getElementById(platform + "-messages");
  messages.hidden = status.messages.length === 0;
  messages.textContent = status.messages.join("\\n");
}
const failed = (error) => (show(error), { state: "failed", messages: [] });
for (const button of document.querySelectorAll("button[data-login]")) {
  const platform = button.dataset.login;
  button.addEventListener("click", async () => {
    showLogin(platform, await api("/api/admin/" + platform + "/login", {}).catch(failed));
  });
}
for (const form of document.querySelectorAll("form[data-login]")) {
  const platform = form.dataset.login;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = new FormData(event.target).get("code");
    showLogin(platform, await api("/api/admin/" + platform + "/login/code", { code }).catch(failed));
  });
}
setInterval(async () => {
  for (const button of document.querySelectorAll("button[data-login]")) {
    const platform = button.dataset.login;
    const status = await api("/api/admin/" + platform + "/login").catch(() => undefined);
    if (status && status.state !== "idle") showLogin(platform, status);
  }
}, 2000);
function show(error) { document.getElementById("error").textContent = error.message; }
await refresh();
setInterval(refresh, 10_000);
</script>
</body>
</html>
`);
