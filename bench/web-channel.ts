import { request, type IncomingMessage } from "node:http";
import type { Channel } from "./channel.ts";
import type { LoadPlan, Target } from "./load-client.ts";

interface EventStream {
  close(): void;
}

/** One SSE stream; resolves once the server's first comment arrived, so no reply can be missed. */
function openEventStream(url: URL, headers: Record<string, string>, onFrame: (event: string, data: string, at: number) => void, timeoutMs: number) {
  return new Promise<EventStream>((resolve, reject) => {
    let buffer = "";
    let isOpen = false;
    const timer = setTimeout(() => fail(new Error(`SSE ${url.pathname}: not open after ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      req.destroy();
      if (!isOpen) reject(error);
    };
    const req = request(url, { agent: false, headers: { accept: "text/event-stream", ...headers } }, (response: IncomingMessage) => {
      if (response.statusCode !== 200) return fail(new Error(`SSE ${url.pathname}: status ${response.statusCode}`));
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        const at = performance.now();
        if (!isOpen) {
          isOpen = true;
          clearTimeout(timer);
          resolve({ close: () => req.destroy() });
        }
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          let data = "";
          for (const line of frame.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data) onFrame(event, data, at);
        }
      });
      response.on("error", () => undefined);
    });
    req.on("error", (error) => fail(error));
    req.end();
  });
}

/** The text of a reply part (`{ part: { text } }`); undefined for anything else, malformed JSON included. */
function replyText(data: string): string | undefined {
  try {
    const parsed = JSON.parse(data) as { part?: { text?: unknown } };
    return typeof parsed.part?.text === "string" ? parsed.part.text : undefined;
  } catch {
    return undefined;
  }
}

/** The web chat's API for one run: conversations `${tag}c<n>`, one SSE stream each when echoes come as events. */
export function createWebChannel(target: Extract<Target, { type: "web" }>, plan: LoadPlan, tag: string): Channel {
  const conversationId = (index: number) => `${tag}c${index % plan.conversationCount}`;
  const postUrl = new URL("api/web/messages", target.url);
  const auth: Record<string, string> = target.token ? { authorization: `Bearer ${target.token}` } : {};
  const streams: EventStream[] = [];
  let frameCount = 0;

  return {
    async open(onEcho, timeoutMs) {
      if (target.replyIn !== "events") return;
      const onFrame = (event: string, data: string, at: number) => {
        if (event !== "message" && event !== "edit") return;
        frameCount += 1;
        // A turn that answered several queued messages echoes each on its own line.
        for (const line of (replyText(data) ?? "").split("\n")) onEcho(line.trim(), at);
      };
      for (let index = 0; index < plan.conversationCount; index += 1) {
        const url = new URL(`api/web/events?conversationId=${conversationId(index)}`, target.url);
        streams.push(await openEventStream(url, auth, onFrame, timeoutMs));
      }
    },
    close() {
      for (const stream of streams) stream.close();
    },
    post(index, messageId) {
      return { url: postUrl, headers: auth, body: JSON.stringify({ conversationId: conversationId(index), messageId, text: `/echo ${messageId}` }) };
    },
    answer(status, body, messageId) {
      if (target.replyIn === "events") return status === 202 ? "accepted" : "refused";
      return status === 200 && replyText(body) === messageId ? "echoed" : "refused";
    },
    inboxKey: (index, messageId) => `web:${conversationId(index)}:${messageId}`,
    replyFrameCount: () => frameCount,
  };
}
