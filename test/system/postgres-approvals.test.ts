import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { startFakeBotApi, visibleText, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { roundRobin, startCluster } from "../support/pincer-cluster.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

function schemaUrl(schema: string): string {
  const url = new URL(testDatabaseUrl!);
  url.searchParams.set("schema", schema);
  return url.toString();
}

async function leaseHolders(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return (await client.query<{ holder: string }>(`SELECT holder FROM ${schema}.leases WHERE key NOT LIKE 'connection:%'`)).rows.map((row) => row.holder);
  } finally {
    await client.end();
  }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const admin = { id: 310_000_001, is_bot: false, first_name: "Ada", username: "ada" };
const adminChat = { id: admin.id, type: "private", first_name: "Ada" };

describe.skipIf(!testDatabaseUrl)("an approval across gateway processes on one PostgreSQL database", () => {
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

  it("a run on process B waits for approval, the button press reaches process A's webhook, and the run goes on on B", async () => {
    const schema = uniqueSchema();
    const fake: FakeBotApi = await startFakeBotApi();
    const model: FakeOpenAI = await startFakeOpenAI();
    cleanups.push(() => fake.close(), () => model.close(), () => dropSchema(testDatabaseUrl!, schema));
    const workspaces = [join(tempDataDir(), "workspace-a"), join(tempDataDir(), "workspace-b")];
    const [a, b] = await startCluster(2, {
      databaseUrl: schemaUrl(schema), fake, mode: "webhook", leaseSec: 3,
      env: (index) => ({
        OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini",
        PINCER_ADMINS: `telegram:${admin.id}`, WORKSPACE_DIR: workspaces[index]!,
      }),
    }, children);
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo approved-on-b > proof.txt && cat proof.txt" } }] },
      { type: "text", text: "Wrote the proof." },
    );

    await roundRobin([b!])({
      update_id: 1,
      message: { message_id: 1, from: admin, chat: adminChat, date: Math.floor(Date.now() / 1000), text: "write the proof file" },
    });
    // B's run asks in the chat, with buttons, and waits holding the conversation's lease.
    const asked = () => fake.sent.find((message) => message.chatId === admin.id && message.params.reply_markup !== undefined);
    await waitUntil(() => asked() !== undefined, 20_000, "the approval request");
    const request = asked()!;
    const id = /\/approve ([a-z0-9]{4,6})/.exec(visibleText(request.text!))![1]!;
    expect(request.params.reply_markup).toMatchObject({ inline_keyboard: [[{ callback_data: `approve ${id}` }, { callback_data: `deny ${id}` }]] });
    expect(await leaseHolders(schema)).toEqual([expect.stringContaining(`:${b!.child.pid}:`)]);
    expect(model.chatRequests()).toHaveLength(1);
    expect(existsSync(join(workspaces[1]!, "proof.txt"))).toBe(false);

    // The admin presses Approve; the load balancer hands the press to A.
    await roundRobin([a!])({
      update_id: 2,
      callback_query: {
        id: "7001", from: admin, data: `approve ${id}`, chat_instance: "1",
        message: { message_id: request.messageId, from: { id: fake.bot.id, is_bot: true, first_name: "Bot" }, chat: adminChat, date: 1, text: visibleText(request.text!) },
      },
    });

    await waitUntil(() => fake.textsIn(admin.id).includes("Wrote the proof."), 20_000, "the run's answer");
    // The tool ran on B (in B's workspace, not A's), and its output went back to the model.
    expect(readFileSync(join(workspaces[1]!, "proof.txt"), "utf8").trim()).toBe("approved-on-b");
    expect(existsSync(join(workspaces[0]!, "proof.txt"))).toBe(false);
    expect(model.chatRequests()).toHaveLength(2);
    const toolResult = model.chatRequests()[1]!.body.messages.find((message) => message.role === "tool");
    expect(String(toolResult?.content)).toContain("approved-on-b");
    expect(fake.callsOf("answerCallbackQuery")).toHaveLength(1);
    expect(fake.textsIn(admin.id).filter((text) => text === "Wrote the proof.")).toHaveLength(1);
  }, 90_000);
});

describe.skipIf(testDatabaseUrl)("an approval across gateway processes on one PostgreSQL database", () => {
  it.skip(skipReason, () => {});
});
