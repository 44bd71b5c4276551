import { describe, expect, it } from "vitest";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { TraceSpan } from "../../core/trace.ts";
import { formatTrace, traceCommand } from "../../gateway/trace-cli.ts";
import { readTrace } from "../../core/trace-read.ts";

const t0 = 1_765_000_000_000;
const span = (name: TraceSpan["name"], startedAt: number, endedAt: number, attributes: TraceSpan["attributes"]): TraceSpan => ({
  traceKey: "telegram:7", name, startedAt, endedAt, status: "ok", attributes,
});

async function storedTrace(spans: TraceSpan[]) {
  const store = createSqliteStore(":memory:");
  await store.traces.append(spans);
  return store;
}

describe("pincer trace", () => {
  it("prints each step with its offset, duration, a bar and what happened", async () => {
    const store = await storedTrace([
      span("message", t0, t0 + 40, { chat: "group", chatId: "-100", sender: "Ada", outcome: "refused" }),
      span("store", t0, t0 + 2, { isDuplicate: false }),
      span("policy", t0 + 2, t0 + 40, { decision: "drop", reason: "not-addressed" }),
    ]);
    const lines: string[] = [];
    expect(await traceCommand(store.traces, ["telegram", "7"], (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toBe("Trace of telegram message 7");
    expect(lines[1]).toContain("40 ms from receipt to the last step, 3 steps.");
    expect(lines[2]).toMatch(/\+0 ms\s+40 ms\s+\|=+\|\s+Message\s+group chat -100, from Ada: not let in/);
    expect(lines[4]).toMatch(/\+2 ms\s+38 ms\s+\| +=+\|\s+Policy\s+not answered: not addressed in group/);
    store.close();
  });

  it("keeps a stranger's escape sequences and line breaks out of the terminal", async () => {
    const store = await storedTrace([span("message", t0, t0 + 1, { chat: "direct", chatId: "1", sender: "\u001b[31mEve\nroot# ", outcome: "refused" })]);
    const text = formatTrace(await readTrace(store.traces, "telegram:7"), { channel: "telegram", messageId: "7" }).join("\n");
    expect(text).not.toContain("\u001b");
    expect(text).toContain("from Eve root#");
    store.close();
  });

  it("says when a message has no trace, and how to call it", async () => {
    const store = await storedTrace([]);
    const lines: string[] = [];
    expect(await traceCommand(store.traces, ["telegram", "404"], (line) => lines.push(line))).toBe(1);
    expect(lines[1]).toContain("No trace for this message");
    expect(await traceCommand(store.traces, ["telegram"], (line) => lines.push(line))).toBe(2);
    expect(lines.at(-1)).toBe("Usage: pincer trace <channel> <messageId>");
    store.close();
  });
});
