import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { startCluster } from "../support/pincer-cluster.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";
import { openWebChat } from "../support/web-chat-client.ts";

function schemaUrl(schema: string): string {
  const url = new URL(testDatabaseUrl!);
  url.searchParams.set("schema", schema);
  return url.toString();
}

const adminToken = "web-events-admin-token-0123456789abcdef";

describe.skipIf(!testDatabaseUrl)("a web chat page's event stream across gateway processes on one PostgreSQL database", () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
    }
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("a page connected to process A sees, once each, the answers process B gives to messages posted to B", async () => {
    const schema = uniqueSchema();
    const fake: FakeBotApi = await startFakeBotApi();
    cleanups.push(() => fake.close(), () => dropSchema(testDatabaseUrl!, schema));
    const [a, b] = await startCluster(2, {
      databaseUrl: schemaUrl(schema), fake, mode: "webhook", leaseSec: 3, env: { PINCER_ADMIN_TOKEN: adminToken },
    }, children);
    const onA = await openWebChat({ url: a!.url, adminToken } as Gateway);
    const onB = await openWebChat({ url: b!.url, adminToken } as Gateway, onA.conversationId);
    cleanups.push(async () => onA.close(), async () => onB.close());

    // Longer than one NOTIFY (8000 bytes): it crosses as pieces and arrives whole.
    const long = "长".repeat(4_000);
    expect((await onB.say("/echo first across")).status).toBe(202);
    expect((await onB.say(`/echo ${long}`)).status).toBe(202);
    expect((await onB.say("/echo last across")).status).toBe(202);

    const answered = (texts: string[]) => ["first across", long, "last across"].every((text) => texts.some((shown) => shown.includes(text)));
    await onA.waitFor(() => answered(onA.texts()), 20_000);
    await onB.waitFor(() => answered(onB.texts()), 20_000);

    for (const chat of [onA, onB]) {
      const messages = chat.events.filter((event) => event.event === "message").map((event) => JSON.stringify(event.data));
      expect(messages.filter((text) => text.includes("first across"))).toHaveLength(1);
      expect(messages.filter((text) => text.includes(long))).toHaveLength(1);
      expect(new Set(chat.events.map((event) => JSON.stringify(event.data))).size).toBe(chat.events.length);
    }
    // The same answers, in the same order, on both pages.
    expect(onA.texts()).toEqual(onB.texts());
  }, 60_000);
});

describe.skipIf(testDatabaseUrl)("a web chat page's event stream across gateway processes on one PostgreSQL database", () => {
  it.skip(skipReason, () => {});
});
