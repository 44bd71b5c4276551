import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { conversationOn, webChat } from "../support/conversation.ts";
import { fail, fakeAgent } from "../support/fake-agent.ts";
import { createRunningRuns } from "../../core/queue.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import { silentLogger } from "../support/recording-logger.ts";
import { openSse } from "../support/sse.ts";
import { openWebChat, ownerAuth, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

/** Waits until everything sent before now has been shown: `/help` is answered after it, in order. */
async function settle(chat: Awaited<ReturnType<typeof openWebChat>>) {
  await gateway!.pipeline.idle();
  const before = chat.botMessages().length;
  await chat.say("/help");
  await chat.waitFor(() => chat.botMessages().length > before && chat.texts().at(-1)!.startsWith("Commands:"));
}

describe("web chat, end to end", () => {
  it("answers a message with exactly one reply, streamed by edits", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 20, wordsPerDelta: 3 }) }));
    const chat = await openWebChat(gateway);
    expect((await chat.say("what can you do?")).status).toBe(202);
    await chat.waitFor(() => chat.texts().some((text) => text.includes("or `/help`.")));
    await settle(chat);
    const replies = chat.botMessages().slice(0, -1);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.edits).toBeGreaterThan(0);
    expect(chat.texts()[0]).toContain('I received "what can you do?"');
    await chat.close();
  });

  it("answers the same message id once when it is posted twice", async () => {
    ({ gateway } = await startTestGateway());
    const chat = await openWebChat(gateway);
    expect((await chat.say("/echo once", "m1")).body.isDuplicate).toBe(false);
    expect((await chat.say("/echo once", "m1")).body.isDuplicate).toBe(true);
    await settle(chat);
    expect(chat.texts().filter((text) => text === "once")).toHaveLength(1);
    await chat.close();
  });

  it("answers three quick messages in order, the later two collected into one turn", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 30, wordsPerDelta: 1 }) }));
    const chat = await openWebChat(gateway);
    await chat.say("/echo first reply takes a few words to stream");
    await chat.say("/echo second");
    await chat.say("/echo third");
    await settle(chat);
    expect(chat.texts().slice(0, -1)).toEqual(["first reply takes a few words to stream", "second\nthird"]);
    await chat.close();
  });

  it("/stop ends a long reply at once and the conversation goes on", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 50, wordsPerDelta: 1 }) }));
    const chat = await openWebChat(gateway);
    const words = Array.from({ length: 400 }, (_, index) => `word${index}`).join(" ");
    await chat.say(`/echo ${words}`);
    await chat.waitFor(() => chat.botMessages().length === 1);
    await chat.say("/stop");
    await chat.waitFor(() => chat.texts().includes("Stopped."));
    await gateway.pipeline.idle();
    const partial = chat.texts()[0]!;
    expect(partial.endsWith("…")).toBe(true);
    expect(partial.length).toBeLessThan(words.length / 2);
    await chat.say("/echo still here");
    await chat.waitFor(() => chat.texts().includes("still here"));
    await chat.close();
  });

  it("a /stop delivered through the store by another process ends the run", async () => {
    const dataDir = tempDataDir();
    ({ gateway } = await startTestGateway({ DATA_DIR: dataDir }, { agent: createBuiltinAgent({ deltaDelayMs: 50, wordsPerDelta: 1 }) }));
    const chat = await openWebChat(gateway, "otherprocess");
    const words = Array.from({ length: 400 }, (_, index) => `word${index}`).join(" ");
    await chat.say(`/echo ${words}`);
    await chat.waitFor(() => chat.botMessages().length === 1);
    // Another gateway process on the same store answers the user's `/stop`.
    const elsewhere = createSqliteStore(dataDir);
    try {
      const runs = createRunningRuns({ leases: elsewhere.leases, holder: "another-process", logger: silentLogger });
      expect(await runs.stop("web:otherprocess")).toBe(true);
      await chat.waitFor(() => chat.texts()[0]!.endsWith("…"));
      await gateway.pipeline.idle();
      expect(chat.texts()[0]!.length).toBeLessThan(words.length / 2);
      expect(await runs.stop("web:otherprocess")).toBe(false);
    } finally {
      elsewhere.close();
    }
    await chat.close();
  });

  it("shows an agent failure as a short error with a reference id that is in the log, and stays up", async () => {
    const { agent: failing } = fakeAgent(() => [fail(new Error("model exploded: secret internals"))], { id: "failing" });
    const started = await startTestGateway({}, { agent: failing });
    gateway = started.gateway;
    const chat = await openWebChat(gateway);
    await chat.say("hello");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "error"));
    const error = chat.botMessages().find((message) => message.part.type === "error")!.part;
    expect(error).toMatchObject({ type: "error", message: "Something went wrong while answering." });
    const ref = (error as { ref: string }).ref;
    expect(ref).toMatch(/^[0-9a-f]{8}$/);
    expect(started.log.lines.some((line) => line.includes(ref) && line.includes("model exploded"))).toBe(true);
    await chat.say("/status");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Agent: failing")));
    const health = await fetch(`${gateway.url}healthz`);
    expect(health.status).toBe(200);
    await chat.close();
  });

  it("/new starts a fresh session and /status reports it", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/echo one");
    await chat.expectAnswer("one");
    await gateway.pipeline.idle();
    await chat.says("/status");
    await chat.expectAnswer(/Messages in session: 2/);
    await chat.says("/new");
    await chat.expectAnswer(/^Started a new session/);
    await chat.says("/status");
    await chat.expectAnswer(/Messages in session: 0/);
    expect(chat.answers().find((text) => text.startsWith("Agent:"))).toContain("Model: none");
    await chat.close();
  });

  it("replays what a reconnecting page missed, from its Last-Event-ID", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const first = await openWebChat(gateway, "reconnecting");
    await first.say("/echo before the drop");
    await first.waitFor(() => first.texts().includes("before the drop"));
    await gateway.pipeline.idle();
    const lastSeen = first.events.at(-1)!.id!;
    await first.close();

    await first.say("/echo while away");
    await gateway.pipeline.idle();
    const again = await openSse(`${gateway.url}api/web/events?conversationId=reconnecting`, { ...ownerAuth(gateway), "last-event-id": String(lastSeen) });
    await again.waitFor((events) => events.some((event) => JSON.stringify(event.data).includes("while away")));
    expect(again.events.some((event) => JSON.stringify(event.data).includes("before the drop"))).toBe(false);
    await again.close();
  });

  it("gives a reloaded page what was said in the session", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = await openWebChat(gateway, "remembered");
    await chat.say("/echo still here after a reload");
    await chat.waitFor(() => chat.texts().includes("still here after a reload"));
    await gateway.pipeline.idle();
    const response = await fetch(`${gateway.url}api/web/history?conversationId=remembered`, { headers: ownerAuth(gateway) });
    expect(await response.json()).toEqual({
      messages: [
        { role: "user", text: "/echo still here after a reload" },
        { role: "assistant", text: "still here after a reload" },
      ],
    });
    await chat.close();
  });

  it("refuses a malformed message with 400 and runs nothing", async () => {
    ({ gateway } = await startTestGateway());
    const response = await fetch(`${gateway.url}api/web/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...ownerAuth(gateway) },
      body: JSON.stringify({ conversationId: "../etc", messageId: "m", text: "hi" }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("conversationId");
    const notJson = await fetch(`${gateway.url}api/web/messages`, { method: "POST", headers: { "content-type": "application/json", ...ownerAuth(gateway) }, body: "{nope" });
    expect(notJson.status).toBe(400);
    const metrics = await (await fetch(`${gateway.url}metrics`)).text();
    expect(metrics).not.toMatch(/pincer_runs_total\{[^}]*\} [1-9]/);
  });
});
