import type { ServerResponse } from "node:http";

export type WebEvent =
  | { type: "message"; messageId: string; part: unknown }
  | { type: "edit"; messageId: string; part: unknown }
  | { type: "typing" };

/** Open server-sent-event streams per conversation. */
export function createSubscribers() {
  const streams = new Map<string, Set<ServerResponse>>();
  let eventId = 0;
  return {
    add(conversationId: string, response: ServerResponse) {
      const set = streams.get(conversationId) ?? new Set();
      set.add(response);
      streams.set(conversationId, set);
      response.on("close", () => {
        set.delete(response);
        if (set.size === 0) streams.delete(conversationId);
      });
    },
    publish(conversationId: string, event: WebEvent) {
      eventId += 1;
      const frame = `id: ${eventId}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
      for (const response of streams.get(conversationId) ?? []) response.write(frame);
    },
    /** A comment line on every stream, so proxies do not close an idle one. */
    ping() {
      for (const set of streams.values()) for (const response of set) response.write(": keep-alive\n\n");
    },
    closeAll() {
      for (const set of streams.values()) for (const response of set) response.end();
      streams.clear();
    },
  };
}
