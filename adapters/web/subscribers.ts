import type { ServerResponse } from "node:http";

export type WebEvent =
  | { type: "message"; messageId: string; part: unknown }
  | { type: "edit"; messageId: string; part: unknown }
  | { type: "typing" };

interface Frame {
  id: number;
  text: string;
}

const framesKept = 100;
/** All kept frames together stay under this; the conversations quiet the longest go first. */
const bytesKept = 8 * 1024 * 1024;

/**
 * Open server-sent-event streams per conversation, with the last frames of each kept so that a
 * reconnecting EventSource (which sends `Last-Event-ID`) misses nothing. Ids grow across restarts.
 */
export function createSubscribers() {
  const streams = new Map<string, Set<ServerResponse>>();
  const recent = new Map<string, Frame[]>();
  let lastId = 0;
  let keptBytes = 0;
  const sizeOf = (frames: readonly Frame[]) => frames.reduce((sum, frame) => sum + frame.text.length, 0);

  const remember = (conversationId: string, frame: Frame) => {
    const frames = recent.get(conversationId) ?? [];
    recent.delete(conversationId);
    const kept = [...frames.slice(-(framesKept - 1)), frame];
    keptBytes += sizeOf(kept) - sizeOf(frames);
    recent.set(conversationId, kept);
    for (const [oldest, oldFrames] of recent) {
      if (keptBytes <= bytesKept || oldest === conversationId) break;
      recent.delete(oldest);
      keptBytes -= sizeOf(oldFrames);
    }
  };

  return {
    add(conversationId: string, response: ServerResponse, lastEventId?: number) {
      if (lastEventId !== undefined) {
        for (const frame of recent.get(conversationId) ?? []) if (frame.id > lastEventId) response.write(frame.text);
      }
      const set = streams.get(conversationId) ?? new Set();
      set.add(response);
      streams.set(conversationId, set);
      response.on("close", () => {
        set.delete(response);
        if (set.size === 0) streams.delete(conversationId);
      });
    },
    publish(conversationId: string, event: WebEvent) {
      lastId = Math.max(lastId + 1, Date.now());
      const frame = { id: lastId, text: `id: ${lastId}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n` };
      if (event.type !== "typing") remember(conversationId, frame);
      for (const response of streams.get(conversationId) ?? []) response.write(frame.text);
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
