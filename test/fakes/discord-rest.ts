import type { IncomingMessage, ServerResponse } from "node:http";
import { commandProblems } from "./discord-commands.ts";
import { applicationId, bot, dmChannelId, guildId, snowflake } from "./discord-ids.ts";

/**
 * The fake Discord's HTTP API (the routes the adapter uses, under `/api/v10`): messages (JSON or multipart) and their
 * edits, typing, threads, interaction callbacks and webhooks, global commands, attachments. A channel message sent
 * again with the same `nonce` and `enforce_nonce` returns the first. Wire formats:
 * https://discord.com/developers/docs/resources/message and …/interactions/receiving-and-responding.
 */

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

/** How long Discord remembers a nonce sent with `enforce_nonce` ("the past few minutes"). */
const nonceWindowMs = 5 * 60 * 1000;

export interface FakeDiscordRestOptions {
  /** The bot token every route but the interaction ones checks. */
  token: string;
  /** Where this server answers (`http://127.0.0.1:<port>`), for attachment URLs. */
  origin: string;
  /** What `GET /gateway/bot` names. */
  gatewayUrl: string;
  /** Sends a gateway event (a thread the bot started announces itself as THREAD_CREATE). */
  dispatch: (t: string, d: unknown) => void;
}

export function createFakeDiscordRest(options: FakeDiscordRestOptions) {
  const { token, origin, gatewayUrl, dispatch } = options;
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
  let registeredCommands: unknown[] = [];

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

  /** One HTTP request: recorded in `calls`, then answered (a bug in the fake answers 500). */
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    void (async () => {
      const { body, files } = await readBody(request);
      const call: RestCall = { method: request.method ?? "GET", path: request.url ?? "/", body, at: Date.now() };
      calls.push(call);
      await route(call, files, request, response);
    })().catch((error: unknown) => json(response, 500, { message: `fake Discord bug: ${String(error)}` }));
  };

  return {
    handle,
    calls,
    messages,
    acknowledged,
    registeredCommands: () => registeredCommands,
    /** An interaction's webhook (`/webhooks/{app}/{token}`) answers in `channel` once the interaction was acknowledged. */
    openInteraction(interactionToken: string, interactionId: string, channel: string) {
      interactionChannels.set(interactionToken, { interactionId, channelId: channel });
    },
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
    /** A thread that exists before the adapter starts (opened by an earlier run), which no gateway event announces. */
    addThread(id: string, parentId: string, ownerId: string) {
      threads.set(id, { parentId, ownerId });
    },
  };
}

export type FakeDiscordRest = ReturnType<typeof createFakeDiscordRest>;
