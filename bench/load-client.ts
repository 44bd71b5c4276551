import { Agent, request } from "node:http";
import { cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Channel } from "./channel.ts";

/** A server under load, and the API it speaks. */
export type Target =
  /** The web channel's API: POST a message, the echo comes on the conversation's SSE stream or in the POST's answer. */
  | { type: "web"; name: string; url: string; replyIn: "events" | "response"; /** Pincer's admin token (bare servers need none). */ token?: string }
  /** Telegram's webhook: POST an update, the echo arrives at the client's fake Bot API as sendMessage or an edit. */
  | {
      type: "telegram";
      name: string;
      url: string;
      secretToken: string;
      /** Further processes behind the same webhook: updates go to `url` and these in turn, as a load balancer would. */
      moreUrls?: string[];
    };

/** CPU time every core of the machine has spent busy since boot (idle and I/O wait left out). */
const machineBusyMs = () => cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);

/** The server processes behind a target. */
export const processCount = (target: Target) => (target.type === "telegram" ? 1 + (target.moreUrls?.length ?? 0) : 1);

/** Closed loop: a fixed number in flight. Rate: a fixed number sent per second, whatever the answers do. */
export type LoadPlan =
  | { type: "closed"; messageCount: number; concurrency: number; conversationCount: number }
  | { type: "rate"; perSecond: number; durationMs: number; conversationCount: number };

export interface LoadResult {
  sentCount: number;
  completedCount: number;
  failedCount: number;
  /** Reply frames (web: `message` and `edit` events; Telegram: sendMessage and edits): fewer than messages when a queue was answered in one turn. */
  replyFrameCount: number;
  /** From the first POST to the last answer. */
  durationMs: number;
  /** Per completed message: from the POST's start to its echo being read. */
  latenciesMs: number[];
  firstError: string | undefined;
  /** The gateway's inbox keys (`platform:id`) of the first few messages that got no echo. */
  failedIds: string[];
  /** CPU of the client process from the first POST to the last answer. */
  clientCpuMs: number;
  /** CPU of the whole machine (every process, the kernel's included) over the same span. */
  machineCpuMs: number;
}

export interface LoadLimits {
  replyTimeoutMs: number;
  runTimeoutMs: number;
}

/**
 * Sends `/echo <messageId>` messages through `channel` as `plan` says and times each until its echo is read
 * and its POST answered. Message ids are `${tag}m${index}`. Every loop is bounded by the plan's count and by `limits`.
 */
export async function runLoad(channel: Channel, plan: LoadPlan, tag: string, limits: LoadLimits): Promise<LoadResult> {
  const pending = new Map<string, (at: number) => void>();
  const latenciesMs: number[] = [];
  let failedCount = 0;
  let firstError: string | undefined;
  const failedIds: string[] = [];

  const maxSockets = plan.type === "closed" ? plan.concurrency : 64;
  const agent = new Agent({ keepAlive: true, maxSockets });

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
          if (failedIds.length < 5) failedIds.push(channel.inboxKey(index, messageId));
        }
        resolve();
      };
      const settleIfDone = () => {
        if (isPosted && repliedAt !== undefined) settle();
      };
      const onEcho = (at: number) => {
        repliedAt ??= at;
        settleIfDone();
      };
      const timer = setTimeout(() => settle(`no echo within ${limits.replyTimeoutMs} ms`), limits.replyTimeoutMs);
      pending.set(messageId, onEcho);

      const post = channel.post(index, messageId);
      // A connection that fails before any answer (a keep-alive socket the server closed just as it was reused) is
      // posted again, as a platform redelivers a webhook it could not deliver; the inbox dedupes a repeat.
      const send = (attempt: number) => {
        let hasResponse = false;
        const req = request(
          post.url,
          { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(post.body), ...post.headers } },
          (response) => {
            hasResponse = true;
            let answer = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (answer += chunk));
            response.on("error", (error) => settle(error.message));
            response.on("end", () => {
              const at = performance.now();
              const verdict = channel.answer(response.statusCode ?? 0, answer, messageId);
              if (verdict === "refused") return settle(`POST answered ${response.statusCode} ${answer}`);
              isPosted = true;
              if (verdict === "echoed") onEcho(at);
              else settleIfDone();
            });
          },
        );
        req.on("error", (error) => {
          if (!hasResponse && attempt < 3 && !isSettled) send(attempt + 1);
          else settle(error.message);
        });
        req.end(post.body);
      };
      send(1);
    });

  try {
    await channel.open((messageId, at) => pending.get(messageId)?.(at), limits.replyTimeoutMs);
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusyMs();
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
      replyFrameCount: channel.replyFrameCount(),
      durationMs: performance.now() - startedAt,
      latenciesMs,
      firstError,
      failedIds,
      clientCpuMs: (cpu.user + cpu.system) / 1000,
      machineCpuMs: machineBusyMs() - machineBefore,
    };
  } finally {
    channel.close();
    agent.destroy();
  }
}
