import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { listenLocally, type BenchServer } from "./listen.ts";

const echoPrefix = /^\/echo\s*/;

/**
 * The baseline of design §7: a bare node:http server with the web channel's API that forwards
 * each message's echo straight to the conversation's SSE stream. No store, no agent, no express.
 */
export function startBareForwarder(): Promise<BenchServer> {
  const streams = new Map<string, Set<ServerResponse>>();
  let eventId = 0;

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "GET" && url.pathname === "/api/web/events") {
      const conversationId = url.searchParams.get("conversationId") ?? "";
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      response.write(": connected\n\n");
      const set = streams.get(conversationId) ?? new Set();
      set.add(response);
      streams.set(conversationId, set);
      response.on("close", () => set.delete(response));
      return;
    }
    if (request.method === "POST" && url.pathname === "/api/web/messages") {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        let body: { conversationId: string; text: string };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
        } catch {
          response.writeHead(400).end();
          return;
        }
        response.writeHead(202, { "content-type": "application/json" });
        response.end('{"isDuplicate":false}');
        eventId += 1;
        const event = { type: "message", messageId: randomUUID(), part: { type: "markdown", text: body.text.replace(echoPrefix, "") } };
        const frame = `id: ${eventId}\nevent: message\ndata: ${JSON.stringify(event)}\n\n`;
        for (const stream of streams.get(body.conversationId) ?? []) stream.write(frame);
      });
      return;
    }
    response.writeHead(404).end();
  });
  return listenLocally(server);
}
