import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { openSse } from "../support/sse.ts";
import { startPincerProcess } from "../support/pincer-process.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});


async function post(url: string, token: string, messageId: string, text: string) {
  await fetch(`${url}api/web/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ conversationId: "c1", messageId, text }),
  });
}

describe("a crash in the middle of a reply", () => {
  it("finishes the reply after a restart by editing the message already sent, never sending it twice", async () => {
    const dataDir = tempDataDir();
    const words = Array.from({ length: 600 }, (_, index) => `w${index}`).join(" ");

    const first = await startPincerProcess({ DATA_DIR: dataDir }, children);
    const token = first.token!;
    const auth = { authorization: `Bearer ${token}` };
    const before = await openSse(`${first.url}api/web/events?conversationId=c1`, auth);
    await post(first.url, token, "m1", `/echo ${words}`);
    await before.waitFor((events) => events.some((event) => event.event === "message"));
    const firstMessageId = (before.events.find((event) => event.event === "message")!.data as { messageId: string }).messageId;
    first.child.kill("SIGKILL");
    await once(first.child, "exit");
    await before.close();

    const second = await startPincerProcess({ DATA_DIR: dataDir }, children);
    const after = await openSse(`${second.url}api/web/events?conversationId=c1`, auth);
    await post(second.url, token, "m1", `/echo ${words}`); // the platform retries the same message: a duplicate
    await after.waitFor(
      (events) => events.some((event) => event.event === "edit" && (event.data as { part: { text: string } }).part.text === words),
      20_000,
    );
    await post(second.url, token, "m2", "/echo marker");
    await after.waitFor((events) => events.some((event) => event.event === "message" && JSON.stringify(event.data).includes("marker")));
    const newMessages = after.events.filter((event) => event.event === "message");
    expect(newMessages).toHaveLength(1); // only the marker's reply: the long answer was not sent again
    const edited = after.events.filter((event) => event.event === "edit").map((event) => (event.data as { messageId: string }).messageId);
    expect(new Set(edited)).toEqual(new Set([firstMessageId]));
    await after.close();
  }, 30_000);
});

describe("a deploy (SIGTERM) in the middle of a reply", () => {
  it("leaves the unfinished reply for the next start, which completes it once, in the same message", async () => {
    const dataDir = tempDataDir();
    const words = Array.from({ length: 600 }, (_, index) => `w${index}`).join(" ");

    // No grace: the run is cut at once, as one that outlives PINCER_SHUTDOWN_GRACE_SEC would be.
    const first = await startPincerProcess({ DATA_DIR: dataDir, PINCER_SHUTDOWN_GRACE_SEC: "0" }, children);
    const token = first.token!;
    const auth = { authorization: `Bearer ${token}` };
    const before = await openSse(`${first.url}api/web/events?conversationId=c1`, auth);
    await post(first.url, token, "m1", `/echo ${words}`);
    await before.waitFor((events) => events.some((event) => event.event === "message"));
    const firstMessageId = (before.events.find((event) => event.event === "message")!.data as { messageId: string }).messageId;
    first.child.kill("SIGTERM");
    const [exitCode] = await once(first.child, "exit");
    expect(exitCode).toBe(0);
    await before.close();
    // The stop did not pass the cut text off as the answer.
    const texts = before.events.filter((event) => event.event === "edit").map((event) => (event.data as { part: { text: string } }).part.text);
    expect(texts.every((text) => !text.endsWith("…"))).toBe(true);
    expect(texts).not.toContain(words);

    const second = await startPincerProcess({ DATA_DIR: dataDir }, children);
    const after = await openSse(`${second.url}api/web/events?conversationId=c1`, auth);
    await after.waitFor(
      (events) => events.some((event) => event.event === "edit" && (event.data as { part: { text: string } }).part.text === words),
      20_000,
    );
    await post(second.url, token, "m2", "/echo marker");
    await after.waitFor((events) => events.some((event) => event.event === "message" && JSON.stringify(event.data).includes("marker")));
    expect(after.events.filter((event) => event.event === "message")).toHaveLength(1); // only the marker's reply
    const edited = after.events.filter((event) => event.event === "edit").map((event) => (event.data as { messageId: string }).messageId);
    expect(new Set(edited)).toEqual(new Set([firstMessageId]));
    await after.close();
  }, 30_000);
});
