import { Agent, request, type IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** A server that speaks the web channel's API: POST a message, get the echo back. */
export interface Target {
  name: string;
  /** Base URL, ending in `/`. */
  url: string;
  /** Where the echo comes back: on the conversation's SSE stream (as in the web chat) or in the POST response. */
  replyIn: "events" | "response";
}

/** Closed loop: a fixed number in flight. Rate: a fixed number sent per second, whatever the answers do. */
export type LoadPlan =
  | { type: "closed"; messageCount: number; concurrency: number; conversationCount: number }
  | { type: "rate"; perSecond: number; durationMs: number; conversationCount: number };

export interface LoadResult {
  sentCount: number;
  completedCount: number;
  failedCount: number;
  /** `message` and `edit` frames seen: fewer than messages when a conversation's queue was answered in one turn. */
  replyFrameCount: number;
  /** From the first POST to the last answer. */
  durationMs: number;
  /** Per completed message: from the POST's start to its echo being read. */
  latenciesMs: number[];
  firstError: string | undefined;
  /** The first few messages that got no echo, as `conversationId:messageId` (the gateway's inbox id). */
  failedIds: string[];
  /** CPU of the client process from the first POST to the last answer. */
  clientCpuMs: number;
}

export interface LoadLimits {
  replyTimeoutMs: number;
  runTimeoutMs: number;
}

interface Pending {
  onReply(at: number): void;
}

interface EventStream {
  close(): void;
}

/** One SSE stream; resolves once the server's first comment arrived, so no reply can be missed. */
function openEventStream(url: URL, onFrame: (event: string, data: string, at: number) => void, timeoutMs: number) {
  return new Promise<EventStream>((resolve, reject) => {
    let buffer = "";
    let isOpen = false;
    const timer = setTimeout(() => fail(new Error(`SSE ${url.pathname}: not open after ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      req.destroy();
      if (!isOpen) reject(error);
    };
    const req = request(url, { agent: false, headers: { accept: "text/event-stream" } }, (response: IncomingMessage) => {
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

/**
 * Sends `/echo <messageId>` messages to `target` as `plan` says and times each until its echo is read.
 * Every loop is bounded by the plan's count and by `limits`.
 */
export async function runLoad(target: Target, plan: LoadPlan, tag: string, limits: LoadLimits): Promise<LoadResult> {
  const pending = new Map<string, Pending>();
  const latenciesMs: number[] = [];
  let replyFrameCount = 0;
  let failedCount = 0;
  let firstError: string | undefined;
  const failedIds: string[] = [];
  const conversationId = (index: number) => `${tag}c${index % plan.conversationCount}`;

  const streams: EventStream[] = [];
  const onFrame = (event: string, data: string, at: number) => {
    if (event !== "message" && event !== "edit") return;
    replyFrameCount += 1;
    // A turn that answered several queued messages echoes each on its own line.
    for (const line of (replyText(data) ?? "").split("\n")) pending.get(line.trim())?.onReply(at);
  };

  const maxSockets = plan.type === "closed" ? plan.concurrency : 64;
  const agent = new Agent({ keepAlive: true, maxSockets });
  const postUrl = new URL("api/web/messages", target.url);

  const sendOne = (index: number) =>
    new Promise<void>((resolve) => {
      const messageId = `${tag}m${index}`;
      const startedAt = performance.now();
      let repliedAt: number | undefined;
      let isPosted = false;
      let isSettled = false;
      const settle = (error?: string) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        pending.delete(messageId);
        if (error === undefined) latenciesMs.push(repliedAt! - startedAt);
        else {
          failedCount += 1;
          firstError ??= `${messageId}: ${error}`;
          if (failedIds.length < 5) failedIds.push(`${conversationId(index)}:${messageId}`);
        }
        resolve();
      };
      const settleIfDone = () => {
        if (isPosted && repliedAt !== undefined) settle();
      };
      const timer = setTimeout(() => settle(`no echo within ${limits.replyTimeoutMs} ms`), limits.replyTimeoutMs);
      pending.set(messageId, {
        onReply(at) {
          repliedAt ??= at;
          settleIfDone();
        },
      });

      const body = JSON.stringify({ conversationId: conversationId(index), messageId, text: `/echo ${messageId}` });
      const req = request(
        postUrl,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          let answer = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (answer += chunk));
          response.on("error", (error) => settle(error.message));
          response.on("end", () => {
            const at = performance.now();
            if (target.replyIn === "events") {
              if (response.statusCode !== 202) return settle(`POST answered ${response.statusCode} ${answer}`);
              isPosted = true;
              return settleIfDone();
            }
            if (response.statusCode !== 200 || replyText(answer) !== messageId) {
              return settle(`POST answered ${response.statusCode} ${answer}`);
            }
            isPosted = true;
            pending.get(messageId)?.onReply(at);
          });
        },
      );
      req.on("error", (error) => settle(error.message));
      req.end(body);
    });

  try {
    if (target.replyIn === "events") {
      for (let index = 0; index < plan.conversationCount; index += 1) {
        const url = new URL(`api/web/events?conversationId=${conversationId(index)}`, target.url);
        streams.push(await openEventStream(url, onFrame, limits.replyTimeoutMs));
      }
    }
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const deadline = startedAt + limits.runTimeoutMs;
    let sentCount = 0;

    if (plan.type === "closed") {
      const worker = async () => {
        while (sentCount < plan.messageCount && performance.now() < deadline) {
          const index = sentCount;
          sentCount += 1;
          await sendOne(index);
        }
      };
      await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.messageCount) }, worker));
    } else {
      const total = Math.round((plan.perSecond * plan.durationMs) / 1000);
      const intervalMs = 1000 / plan.perSecond;
      const sends: Promise<void>[] = [];
      while (sentCount < total && performance.now() < deadline) {
        const waitMs = startedAt + sentCount * intervalMs - performance.now();
        if (waitMs > 0) await sleep(waitMs);
        // After a late wake-up, catch up on every send that is due, so the rate holds on average.
        while (sentCount < total && startedAt + sentCount * intervalMs <= performance.now()) {
          sends.push(sendOne(sentCount));
          sentCount += 1;
        }
      }
      await Promise.all(sends);
    }

    const cpu = process.cpuUsage(cpuBefore);
    return {
      sentCount,
      completedCount: latenciesMs.length,
      failedCount,
      replyFrameCount,
      durationMs: performance.now() - startedAt,
      latenciesMs,
      firstError,
      failedIds,
      clientCpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    for (const stream of streams) stream.close();
    agent.destroy();
  }
}
