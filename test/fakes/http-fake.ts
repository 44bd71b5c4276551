import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { ErrorScript } from "./model-script.ts";

/** How a response ended: still going, sent to the end, or cut short because the client went away. */
export type Outcome = "pending" | "completed" | "client-closed";

export interface RecordedBase {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  receivedAt: number;
  outcome: Outcome;
}

export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** Aborts when the client goes away before the response ended, or when the fake closes. */
  signal: AbortSignal;
}

export interface HttpFake<Recorded extends RecordedBase> {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every request received, in order, including refused ones. */
  requests: Recorded[];
  /** Resolves once `predicate` holds (checked on every arrival and every response end); rejects after `timeoutMs`. */
  waitFor(predicate: (requests: Recorded[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A node:http server on 127.0.0.1 with an ephemeral port that records each request (`describe`
 * turns the raw body into the fake's record) before `respond` answers it.
 */
export async function startHttpFake<Recorded extends RecordedBase>(handlers: {
  describe: (base: RecordedBase, rawBody: Buffer) => Promise<Recorded>;
  respond: (recorded: Recorded, exchange: Exchange) => Promise<void>;
}): Promise<HttpFake<Recorded>> {
  const requests: Recorded[] = [];
  const watchers = new Set<() => void>();
  const inFlight = new Set<AbortController>();
  const notify = () => {
    for (const watch of [...watchers]) watch();
  };

  const server = createServer(async function handleModelRequest(request, response) {
    const controller = new AbortController();
    inFlight.add(controller);
    let recorded: Recorded | undefined;
    response.on("close", () => {
      inFlight.delete(controller);
      if (recorded) recorded.outcome = response.writableFinished ? "completed" : "client-closed";
      controller.abort();
      notify();
    });
    try {
      const rawBody = await readBody(request);
      recorded = await handlers.describe(
        {
          method: request.method ?? "GET",
          path: request.url ?? "/",
          headers: flattenHeaders(request),
          receivedAt: Date.now(),
          outcome: "pending",
        },
        rawBody,
      );
      requests.push(recorded);
      notify();
      await handlers.respond(recorded, { request, response, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: `fake server bug: ${String(error)}` } }));
      } else response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    async waitFor(predicate, timeoutMs = 5000) {
      if (predicate(requests)) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms; ${requests.length} requests so far`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(requests)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
      });
    },
    async close() {
      for (const controller of inFlight) controller.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Waits `ms`; false when the exchange was aborted meanwhile (the caller should stop writing). */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

export async function sendJson(
  exchange: Exchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  exchange.response.writeHead(status, { "content-type": "application/json", ...headers });
  exchange.response.end(JSON.stringify(body));
}

/**
 * Sends `frames` (already formatted server-sent events) as a 200 `text/event-stream`, waiting
 * `chunkDelayMs` between two frames; stops quietly when the client goes away.
 */
export async function sendEventStream(
  exchange: Exchange,
  frames: string[],
  options: { chunkDelayMs?: number; headers?: Record<string, string> } = {},
): Promise<void> {
  const { response, signal } = exchange;
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...options.headers,
  });
  response.flushHeaders();
  for (const [index, frame] of frames.entries()) {
    if (index > 0 && !(await pause(options.chunkDelayMs ?? 0, signal))) return;
    if (signal.aborted) return;
    response.write(frame);
  }
  response.end();
}

/** Answers with a scripted HTTP error: the script's own body or the provider's `errorBody`, and `retry-after`. */
export async function sendScriptedError(
  exchange: Exchange,
  script: ErrorScript,
  errorBody: unknown,
  headers: Record<string, string>,
): Promise<void> {
  const retryAfter: Record<string, string> =
    script.retryAfterSec === undefined ? {} : { "retry-after": String(script.retryAfterSec) };
  return sendJson(exchange, script.status, script.body ?? errorBody, { ...headers, ...retryAfter, ...script.headers });
}

/** The parsed JSON body, or null when it is not JSON (the route then answers 400). */
export function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString("utf8"));
  } catch {
    return null;
  }
}
