import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { eventually } from "../support/eventually.ts";
import { commandProblems } from "./discord-commands.ts";

/**
 * A fake Discord on 127.0.0.1: the HTTP API routes the adapter uses (under `/api/v10`) and a gateway
 * WebSocket (`/gateway`) that speaks hello (op 10), identify (op 2) → READY, heartbeat (op 1) → ack (op 11),
 * dispatches (op 0, numbered), resume (op 6) → replay of what the session missed → RESUMED, and invalid
 * session (op 9). A channel message sent again with the same `nonce` and `enforce_nonce` returns the first.
 * Wire formats: https://discord.com/developers/docs/events/gateway and …/resources/message.
 */

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string;
  bot?: boolean;
}

export interface SentMessage {
  id: string;
  channelId: string;
  content: string;
  /** Every text the message had, first to last (edits appended). */
  versions: string[];
  components?: unknown[];
  flags?: number;
  files: { name: string; type: string; size: number }[];
  messageReference?: { message_id: string };
  /** Sent through an interaction's webhook (its answer or a follow-up). */
  interactionId?: string;
}

export interface RestCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  at: number;
}

interface Failure {
  match(call: RestCall): boolean;
  status: number;
  body: Record<string, unknown>;
}

interface Session {
  id: string;
  /** Every dispatch of the session, with its sequence number. */
  events: { s: number; t: string; d: unknown }[];
  seq: number;
  socket: WebSocket | undefined;
}

/** How long Discord remembers a nonce sent with `enforce_nonce` ("the past few minutes"). */
const nonceWindowMs = 5 * 60 * 1000;

const discordEpoch = 1_420_070_400_000n;
let counter = 0;
/** A snowflake for now (ids sort by time, as Discord's do). */
export const snowflake = (): string => String(((BigInt(Date.now()) - discordEpoch) << 22n) + BigInt(++counter % 4096));

export const bot: FakeUser = { id: "900000000000000001", username: "pincer-test", bot: true };
export const alice: FakeUser = { id: "100000000000000001", username: "alice", global_name: "Alice" };
export const bob: FakeUser = { id: "100000000000000002", username: "bob", global_name: "Bob" };
export const applicationId = "900000000000000001";
export const guildId = "300000000000000001";
export const channelId = "400000000000000001";
export const dmChannelId = "500000000000000001";

export async function startFakeDiscord(options: { heartbeatIntervalMs?: number; /** Close every identify with this code (4014: Message Content not allowed). */ refuseIdentifyWith?: number } = {}) {
  const token = "fake-discord-token.test.0000000000";
  const calls: RestCall[] = [];
  const messages: SentMessage[] = [];
  /** The bot's channel messages by `nonce` (sent with `enforce_nonce`), for the window in which a repeat returns them. */
  const byNonce = new Map<string, { message: SentMessage; atMs: number }>();
  const failures: Failure[] = [];
  const holds: { match(call: RestCall): boolean; released: Promise<void> }[] = [];
  const attachments = new Map<string, { bytes: Uint8Array; type: string }>();
  const acknowledged = new Map<string, number>();
  const interactionChannels = new Map<string, { interactionId: string; channelId: string }>();
  const threads = new Map<string, { parentId: string; ownerId: string }>();
  const sessions = new Map<string, Session>();
  const identifies: unknown[] = [];
  const resumes: unknown[] = [];
  let heartbeats = 0;
  /** Events sent again on a resume, by type. */
  const replayed: string[] = [];
  let registeredCommands: unknown[] = [];
  let current: Session | undefined;
  /** On the next resume, also replay this many events the client had already seen (Discord may redeliver). */
  let replayExtra = 0;

  const json = (response: ServerResponse, status: number, body?: unknown) => {
    response.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const readBody = async (request: IncomingMessage): Promise<{ body?: Record<string, unknown>; files: SentMessage["files"] }> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (raw.length === 0) return { files: [] };
    const type = request.headers["content-type"] ?? "";
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": type } }).formData();
      const files: SentMessage["files"] = [];
      for (const [name, value] of form.entries()) {
        if (name.startsWith("files[") && typeof value !== "string") files.push({ name: value.name, type: value.type, size: value.size });
      }
      return { body: JSON.parse(String(form.get("payload_json") ?? "{}")) as Record<string, unknown>, files };
    }
    return { body: JSON.parse(raw.toString("utf8")) as Record<string, unknown>, files: [] };
  };

  const createMessage = (channel: string, body: Record<string, unknown>, files: SentMessage["files"], interactionId?: string): SentMessage => {
    const message: SentMessage = {
      id: snowflake(),
      channelId: channel,
      content: String(body.content ?? ""),
      versions: [String(body.content ?? "")],
      files,
      ...(body.components ? { components: body.components as unknown[] } : {}),
      ...(typeof body.flags === "number" ? { flags: body.flags } : {}),
      ...(body.message_reference ? { messageReference: body.message_reference as { message_id: string } } : {}),
      ...(interactionId ? { interactionId } : {}),
    };
    messages.push(message);
    return message;
  };

  const editMessage = (message: SentMessage, body: Record<string, unknown>) => {
    if (typeof body.content === "string") {
      message.content = body.content;
      message.versions.push(body.content);
    }
    if (body.components !== undefined) message.components = body.components as unknown[];
  };

  const messageJson = (message: SentMessage) => ({
    id: message.id,
    channel_id: message.channelId,
    content: message.content,
    author: bot,
    type: 0,
    timestamp: new Date().toISOString(),
  });

  const route = async (call: RestCall, files: SentMessage["files"], request: IncomingMessage, response: ServerResponse) => {
    const path = call.path.replace(/^\/api\/v10/, "").split("?")[0]!;
    const isTokenRoute = /^\/(webhooks|interactions)\//.test(path) || path.startsWith("/attachments/");
    if (!isTokenRoute && request.headers.authorization !== `Bot ${token}`) return json(response, 401, { message: "401: Unauthorized", code: 0 });
    const held = holds.find((candidate) => candidate.match(call));
    if (held) {
      holds.splice(holds.indexOf(held), 1);
      await held.released;
    }
    const failure = failures.find((candidate) => candidate.match(call));
    if (failure) {
      failures.splice(failures.indexOf(failure), 1);
      return json(response, failure.status, failure.body);
    }
    const body = call.body ?? {};
    let match: RegExpExecArray | null;
    if (call.method === "GET" && path === "/gateway/bot") {
      return json(response, 200, { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (call.method === "GET" && path === "/users/@me") return json(response, 200, bot);
    if (call.method === "GET" && path === "/applications/@me") return json(response, 200, { id: applicationId, name: "Pincer test", flags: 1 << 19 });
    if (call.method === "PUT" && path === `/applications/${applicationId}/commands`) {
      const problems = commandProblems(call.body);
      if (problems.length > 0) return json(response, 400, { message: "Invalid Form Body", code: 50035, errors: problems });
      registeredCommands = call.body as unknown as unknown[];
      return json(response, 200, registeredCommands);
    }
    if ((match = /^\/attachments\/(.+)$/.exec(path))) {
      const file = attachments.get(match[1]!);
      if (!file) return json(response, 404, { message: "404: Not Found", code: 0 });
      response.writeHead(200, { "content-type": file.type, "content-length": String(file.bytes.length) });
      return response.end(file.bytes);
    }
    if (call.method === "GET" && (match = /^\/channels\/(\d+)$/.exec(path))) {
      const thread = threads.get(match[1]!);
      return json(response, 200, thread ? { id: match[1], type: 11, guild_id: guildId, parent_id: thread.parentId, owner_id: thread.ownerId } : { id: match[1], type: match[1] === dmChannelId ? 1 : 0, ...(match[1] === dmChannelId ? {} : { guild_id: guildId }) });
    }
    if (call.method === "POST" && (match = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const nonce = body.nonce;
      if (nonce !== undefined && (typeof nonce !== "string" || nonce.length > 25)) {
        return json(response, 400, { message: "Invalid Form Body", code: 50035, errors: { nonce: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." }] } } });
      }
      // enforce_nonce: a message the same author sent with this nonce in the last few minutes is returned, none is created.
      const earlier = typeof nonce === "string" && body.enforce_nonce === true ? byNonce.get(nonce) : undefined;
      if (earlier && Date.now() - earlier.atMs < nonceWindowMs) return json(response, 200, messageJson(earlier.message));
      const message = createMessage(match[1]!, body, files);
      if (typeof nonce === "string" && body.enforce_nonce === true) byNonce.set(nonce, { message, atMs: Date.now() });
      return json(response, 200, messageJson(message));
    }
    if (call.method === "PATCH" && (match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const message = messages.find((candidate) => candidate.id === match![2] && candidate.channelId === match![1] && !candidate.interactionId);
      if (!message) return json(response, 404, { message: "Unknown Message", code: 10008 });
      editMessage(message, body);
      return json(response, 200, messageJson(message));
    }
    if (call.method === "POST" && (match = /^\/channels\/(\d+)\/typing$/.exec(path))) return json(response, 204);
    if (call.method === "POST" && (match = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
      const [, parentId, messageId] = match;
      if (threads.has(messageId!)) return json(response, 400, { message: "A thread has already been created for this message", code: 160004 });
      threads.set(messageId!, { parentId: parentId!, ownerId: bot.id });
      const thread = { id: messageId, type: 11, guild_id: guildId, parent_id: parentId, owner_id: bot.id, name: body.name };
      dispatch("THREAD_CREATE", { ...thread, newly_created: true });
      return json(response, 201, thread);
    }
    if (call.method === "POST" && (match = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      if (acknowledged.has(match[1]!)) return json(response, 400, { message: "Interaction has already been acknowledged.", code: 40060 });
      acknowledged.set(match[1]!, Date.now());
      return json(response, 204);
    }
    if ((match = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path))) {
      const place = interactionChannels.get(match[2]!);
      if (!place || !acknowledged.has(place.interactionId)) return json(response, 404, { message: "Unknown Webhook", code: 10015 });
      const target = match[3];
      if (call.method === "POST" && !target) return json(response, 200, messageJson(createMessage(place.channelId, body, files, place.interactionId)));
      if (call.method === "PATCH" && target) {
        let message = messages.find((candidate) => candidate.interactionId === place.interactionId && (target === "@original" || candidate.id === target));
        if (!message && target === "@original") message = createMessage(place.channelId, body, files, place.interactionId);
        else if (message) editMessage(message, body);
        if (!message) return json(response, 404, { message: "Unknown Message", code: 10008 });
        return json(response, 200, messageJson(message));
      }
    }
    return json(response, 404, { message: `fake Discord has no route ${call.method} ${path}`, code: 0 });
  };

  const server = createServer((request, response) => {
    void (async () => {
      const { body, files } = await readBody(request);
      const call: RestCall = { method: request.method ?? "GET", path: request.url ?? "/", body, at: Date.now() };
      calls.push(call);
      await route(call, files, request, response);
    })().catch((error: unknown) => json(response, 500, { message: `fake Discord bug: ${String(error)}` }));
  });
  const gateway = new WebSocketServer({ server, path: "/gateway" });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  const send = (socket: WebSocket | undefined, payload: unknown) => {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  };

  /** Numbers the event in the current session and sends it; a session without a socket keeps it for its resume. */
  function dispatch(t: string, d: unknown) {
    const session = current;
    if (!session) throw new Error("fake Discord: no session yet (nobody identified)");
    session.seq += 1;
    session.events.push({ s: session.seq, t, d });
    send(session.socket, { op: 0, s: session.seq, t, d });
  }

  gateway.on("connection", (socket) => {
    send(socket, { op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 5000 } });
    socket.on("message", (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | null };
      switch (payload.op) {
        case 1:
          heartbeats += 1;
          return send(socket, { op: 11 });
        case 2: {
          identifies.push(payload.d);
          if (payload.d?.token !== token) return socket.close(4004, "Authentication failed.");
          if (options.refuseIdentifyWith) return socket.close(options.refuseIdentifyWith, "Disallowed intent(s).");
          const session: Session = { id: `session-${sessions.size + 1}`, events: [], seq: 0, socket };
          sessions.set(session.id, session);
          current = session;
          dispatch("READY", {
            v: 10,
            user: bot,
            guilds: [{ id: guildId, unavailable: true }],
            session_id: session.id,
            resume_gateway_url: gatewayUrl,
            application: { id: applicationId, flags: 1 << 19 },
          });
          return;
        }
        case 6: {
          resumes.push(payload.d);
          const session = sessions.get(String(payload.d?.session_id));
          if (!session || payload.d?.token !== token) return send(socket, { op: 9, d: false });
          session.socket = socket;
          current = session;
          const from = Number(payload.d?.seq ?? 0) - replayExtra;
          replayExtra = 0;
          for (const event of session.events.filter((candidate) => candidate.s > from)) {
            replayed.push(event.t);
            send(socket, { op: 0, ...event });
          }
          session.seq += 1;
          send(socket, { op: 0, s: session.seq, t: "RESUMED", d: {} });
          return;
        }
        default:
          return;
      }
    });
    socket.on("close", () => {
      if (current?.socket === socket) current.socket = undefined;
    });
  });

  /** A person's message as MESSAGE_CREATE (a DM unless `guild_id` is given). */
  const messageCreate = (fields: Record<string, unknown> & { content?: string; author?: FakeUser }) => {
    const content = fields.content ?? "";
    const mentioned = [...content.matchAll(/<@!?(\d+)>/g)].map((found) => [bot, alice, bob].find((user) => user.id === found[1])).filter(Boolean);
    const payload = {
      id: snowflake(),
      channel_id: dmChannelId,
      author: alice,
      content,
      timestamp: new Date().toISOString(),
      type: 0,
      flags: 0,
      mentions: mentioned,
      mention_roles: [],
      mention_everyone: false,
      attachments: [],
      embeds: [],
      pinned: false,
      tts: false,
      ...fields,
    };
    dispatch("MESSAGE_CREATE", payload);
    return payload;
  };

  /** An interaction (a slash command or a button press) as INTERACTION_CREATE. */
  const interactionCreate = (fields: { type: 2 | 3; data: Record<string, unknown>; user?: FakeUser; channel_id?: string; guild_id?: string; message?: unknown }) => {
    const id = snowflake();
    const interactionToken = `aW50ZXJhY3Rpb246${id}${"x".repeat(64)}`;
    const user = fields.user ?? alice;
    const channel = fields.channel_id ?? dmChannelId;
    interactionChannels.set(interactionToken, { interactionId: id, channelId: channel });
    const payload = {
      id,
      application_id: applicationId,
      type: fields.type,
      data: fields.data,
      token: interactionToken,
      version: 1,
      channel_id: channel,
      ...(fields.guild_id ? { guild_id: fields.guild_id, member: { user, nick: null, roles: [] } } : { user }),
      ...(fields.message ? { message: fields.message } : {}),
    };
    dispatch("INTERACTION_CREATE", payload);
    return payload;
  };

  return {
    token,
    origin,
    apiBase: `${origin}/api/v10`,
    gatewayUrl,
    calls,
    messages,
    identifies,
    resumes,
    registeredCommands: () => registeredCommands,
    heartbeats: () => heartbeats,
    replayed,
    acknowledged,
    dispatch,
    messageCreate,
    interactionCreate,
    /** Serves `bytes` at a CDN-like URL on this server (the adapter may download from the API's host). */
    attachment(name: string, bytes: Uint8Array, type: string) {
      attachments.set(name, { bytes, type });
      return `${origin}/attachments/${name}`;
    },
    /** The bot's messages in `channel` and in the threads under it, oldest first, each as last edited. */
    textsUnder: (channel: string) =>
      messages.filter((message) => message.channelId === channel || threads.get(message.channelId)?.parentId === channel).map((message) => message.content),
    /** The bot's messages in `channel`, oldest first, each as last edited. */
    textsIn: (channel: string) => messages.filter((message) => message.channelId === channel).map((message) => message.content),
    callsTo: (method: string, pattern: RegExp) => calls.filter((call) => call.method === method && pattern.test(call.path.split("?")[0]!)),
    /** The next call that matches gets no answer until the returned function is called (a slow Discord). */
    hold(method: string, pattern: RegExp): () => void {
      const { promise, resolve } = Promise.withResolvers<void>();
      holds.push({ match: (call) => call.method === method && pattern.test(call.path.split("?")[0]!), released: promise });
      return () => resolve();
    },
    /** The next call that matches fails with `status` and Discord's JSON error body (`retry_after` for a 429). */
    failNext(method: string, pattern: RegExp, status: number, body: Record<string, unknown>) {
      failures.push({ match: (call) => call.method === method && pattern.test(call.path.split("?")[0]!), status, body });
    },
    isConnected: () => current?.socket !== undefined,
    /** A thread that exists before the adapter starts (opened by an earlier run), which no gateway event announces. */
    addThread(id: string, parentId: string, ownerId: string) {
      threads.set(id, { parentId, ownerId });
    },
    /** The connection drops (close 4000: the client resumes); with `redeliver`, the resume also replays that many events it had seen. */
    drop(redeliver = 0) {
      replayExtra = redeliver;
      current?.socket?.close(4000, "Unknown error");
    },
    /** Sends op 9 (invalid session, not resumable): the client must identify again. */
    invalidateSession() {
      send(current?.socket, { op: 9, d: false });
    },
    async waitForSession(count = 1) {
      await eventually(() => sessions.size >= count && current?.socket !== undefined, 8000);
    },
    async close() {
      for (const client of gateway.clients) client.terminate();
      gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
