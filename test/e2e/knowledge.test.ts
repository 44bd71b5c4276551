import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import { loadConfig, type Env } from "../../core/config.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { kbCommand } from "../../gateway/kb-cli.ts";
import { bagOfWordsVector, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { conversationOn, webChat } from "../support/conversation.ts";
import { minimalDocx, minimalPdf } from "../support/documents.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../support/eventually.ts";
import { alice, telegramEnv } from "../support/telegram.ts";
import { openWebChat, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let model: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await model?.close();
  gateway = undefined;
  model = undefined;
});

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A folder of Markdown (English and Chinese), HTML, PDF and DOCX, made here. */
async function teamFolder(): Promise<string> {
  const dir = temp("pincer-kb-docs-");
  writeFileSync(
    join(dir, "handbook.md"),
    "# Handbook\n\n## Deploying\n\nWe deploy from the release branch with `make ship`, never from main.\n\n## 年假\n\n年假需要提前两周在系统里申请，经理批准后生效。\n",
  );
  writeFileSync(
    join(dir, "office.html"),
    "<html><head><title>Office guide</title></head><body><h1>Office guide</h1><h2>Parking</h2><p>Visitors park on level 2 of the garage.</p></body></html>",
  );
  writeFileSync(join(dir, "expenses.pdf"), minimalPdf(["Expense reports are due on the fifth of each month.", "Receipts go to finance."]));
  writeFileSync(join(dir, "security.docx"), await minimalDocx([{ text: "Security", isHeading: true }, { text: "Rotate the signing keys every ninety days." }]));
  writeFileSync(join(dir, "notes.bin"), Buffer.from([0, 1, 2]));
  return dir;
}

function cli(env: Env) {
  const config = loadConfig(env);
  return async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await kbCommand(config, argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
    return { code, out: out.join(""), err: err.join("") };
  };
}

describe("the private knowledge base", () => {
  it("adds a folder of md, html, pdf and docx, and /kb finds English and Chinese passages with their sources (built-in agent)", async () => {
    const dataDir = temp("pincer-kb-data-");
    const kb = cli({ DATA_DIR: dataDir });
    const docs = await teamFolder();
    const added = await kb("add", docs);
    expect(added).toMatchObject({ code: 0, err: "" });
    expect(added.out.split("\n").filter(Boolean)).toHaveLength(4);
    expect((await kb("list")).out).toMatch(/^default\t4 documents\t\d+ passages/);

    ({ gateway } = await startTestGateway({ DATA_DIR: dataDir }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/kb which branch do we deploy from?");
    await chat.expectAnswer(/^\[1\] Handbook › Deploying \(.*handbook\.md\)\nWe deploy from the release branch/);
    await chat.says("/kb 年假怎么申请？");
    await chat.expectAnswer(/^\[1\] Handbook › 年假 \(.*handbook\.md\)\n年假需要提前两周/);
    await chat.says("/kb where do visitors park?");
    await chat.expectAnswer(/^\[1\] Office guide › Parking \(.*office\.html\)\nVisitors park on level 2/);
    await chat.says("/kb when are expense reports due?");
    await chat.expectAnswer(/^\[1\] expenses › Page 1 \(.*expenses\.pdf\)\nExpense reports are due on the fifth/);
    await chat.says("/kb how often are signing keys rotated?");
    await chat.expectAnswer(/^\[1\] Security \(.*security\.docx\)\nRotate the signing keys every ninety days/);
  });

  it("refuses a 50 MB PDF and a corrupt DOCX clearly, and the gateway stays up", async () => {
    const dataDir = temp("pincer-kb-data-");
    const kb = cli({ DATA_DIR: dataDir });
    const dir = temp("pincer-kb-bad-");
    const huge = join(dir, "huge.pdf");
    writeFileSync(huge, minimalPdf(["big"]));
    truncateSync(huge, 50 * 1024 * 1024);
    writeFileSync(join(dir, "broken.docx"), Buffer.from("PK\u0003\u0004 this is not a zip"));
    const refused = await kb("add", dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refused .*broken\.docx: broken\.docx could not be read as a Word document/);
    expect(refused.err).toMatch(/refused .*huge\.pdf: too large \(50 MB; the limit is 20 MB\)/);
    expect((await kb("list")).out).toMatch(/^No knowledge base yet/);

    ({ gateway } = await startTestGateway({ DATA_DIR: dataDir }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const page = await openWebChat(gateway);
    const upload = await page.attach(Buffer.from("PK\u0003\u0004 not a zip either"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "upload.docx");
    expect(upload.status).toBe(201);
    await page.say("/kb add", undefined, [upload.id!]);
    await page.waitFor(() => page.texts().some((text) => text.startsWith("upload.docx: refused: upload.docx could not be read as a Word document")));
    const good = await page.attach(Buffer.from("# Lunch\n\nLunch is served at noon in the atrium.\n"), "text/markdown", "lunch.md");
    await page.say("/kb add", undefined, [good.id!]);
    await page.waitFor(() => page.texts().some((text) => text === "lunch.md: added to default (1 passages)."));
    await page.say("/kb when is lunch served?");
    await page.waitFor(() => page.texts().some((text) => /^\[1\] Lunch \(chat:web:.*\/lunch\.md\)\nLunch is served at noon/.test(text)));
    expect((await fetch(`${gateway.url}healthz`)).status).toBe(200);
    await page.close();
  });

  it("removes a document and reads the sources again on reindex", async () => {
    const dataDir = temp("pincer-kb-data-");
    const kb = cli({ DATA_DIR: dataDir });
    const docs = await teamFolder();
    await kb("add", docs);
    expect(await kb("remove", join(docs, "office.html"))).toMatchObject({ code: 0, out: "Removed 1 document from default.\n" });
    expect(await kb("remove", join(docs, "office.html"))).toMatchObject({ code: 1 });
    writeFileSync(join(docs, "handbook.md"), "# Handbook\n\n## Deploying\n\nWe now deploy from the trunk with the pipeline.\n");
    expect((await kb("reindex")).code).toBe(0);

    ({ gateway } = await startTestGateway({ DATA_DIR: dataDir }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/kb where do visitors park?");
    await chat.expectAnswer(/^Nothing found in default/);
    await chat.says("/kb deploy trunk");
    await chat.expectAnswer(/We now deploy from the trunk/);
    await chat.says("/kb release branch");
    await chat.expectAnswer(/^Nothing found|^(?![\s\S]*release branch)/);
    expect(await kb("remove", "--all")).toMatchObject({ code: 0, out: "Removed 3 documents from default.\n" });
  });

  it("lets the LLM agent call search_knowledge and cite document and section", async () => {
    const dataDir = temp("pincer-kb-data-");
    await cli({ DATA_DIR: dataDir })("add", await teamFolder());
    // The fake model answers from the last tool result it was given: its first source line is the citation.
    model = await startFakeOpenAI({
      fallback: (body) => {
        const tool = [...body.messages].reverse().find((message) => message.role === "tool");
        const source = /\[1\] (.+)/.exec(String(tool?.content ?? ""))?.[1];
        return { type: "text", text: source ? `Deploy from the release branch (source: ${source}).` : "I found nothing." };
      },
    });
    model.script({ type: "tool-calls", calls: [{ name: "search_knowledge", arguments: { query: "deploy branch" } }] });
    ({ gateway } = await startTestGateway({ DATA_DIR: dataDir, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini" }));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("Which branch do we deploy from?");
    await chat.expectAnswer(/Deploy from the release branch \(source: Handbook › Deploying \(.*handbook\.md\)\)\./, 15_000);
    expect(model.embeddingsRequests()).toHaveLength(0);
  });

  it("searches by meaning too when EMBEDDINGS_MODEL is set (against the fake /embeddings)", async () => {
    // "vacation" and "holiday" share a dimension: only the vectors can tell that they mean the same.
    model = await startFakeOpenAI({ embed: (text) => bagOfWordsVector(text.replace(/\bvacation\b/gi, "holiday")) });
    const env = { DATA_DIR: temp("pincer-kb-data-"), OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini", EMBEDDINGS_MODEL: "fake-embed" };
    const docs = temp("pincer-kb-docs-");
    writeFileSync(join(docs, "leave.md"), "# Leave\n\n## Holiday\n\nBook every holiday in the HR portal two weeks ahead.\n\n## Sick days\n\nCall your manager before nine.\n");
    expect((await cli(env)("add", docs)).code).toBe(0);
    expect(model.embeddingsRequests()[0]!.body).toMatchObject({ model: "fake-embed", input: [expect.stringContaining("Holiday"), expect.stringContaining("Sick days")] });
    expect((await cli(env)("list")).out).toMatch(/\t2 embedded\n$/);

    ({ gateway } = await startTestGateway(env));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/kb vacation");
    await chat.expectAnswer(/^\[1\] Leave › Holiday \(.*leave\.md\)\nBook every holiday/);
    expect(model.embeddingsRequests().at(-1)!.body).toMatchObject({ input: ["vacation"] });
  });

  it("keeps a knowledge base a chat's binding does not name out of its reach", async () => {
    const dataDir = temp("pincer-kb-data-");
    const kb = cli({ DATA_DIR: dataDir });
    await kb("add", await teamFolder(), "--kb", "engineering");
    const configDir = temp("pincer-kb-config-");
    mkdirSync(configDir, { recursive: true });
    const configPath = join(configDir, "pincer.yaml");
    writeFileSync(configPath, "bindings:\n  - match: { platform: web }\n    agent: llm\n    knowledge: [hr]\n");
    model = await startFakeOpenAI();
    model.script({ type: "tool-calls", calls: [{ name: "search_knowledge", arguments: { query: "deploy release branch" } }] }, { type: "text", text: "done" });
    ({ gateway } = await startTestGateway({
      DATA_DIR: dataDir, PINCER_CONFIG: configPath, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini",
    }));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/kb which branch do we deploy from?");
    await chat.expectAnswer('Nothing found in hr for "which branch do we deploy from?".');
    await chat.says("/kb add engineering");
    await chat.expectAnswer("This chat may not use the knowledge base engineering (it may use: hr).");
    await chat.says("Which branch do we deploy from?");
    await chat.expectAnswer("done");
    const toolResult = model.chatRequests().flatMap((request) => request.body.messages.filter((message) => message.role === "tool")).map((message) => String(message.content));
    expect(toolResult.join("\n")).toContain("No passage found.");
    expect(toolResult.join("\n")).not.toContain("release branch with");
  });

  it("fetches a URL through the address guard: a loopback page only when PINCER_FETCH_ALLOW lists it", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end("<html><head><title>Wiki</title></head><body><h2>On call</h2><p>The on-call phone is in the blue drawer.</p></body></html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wiki/on-call`;
    try {
      const dataDir = temp("pincer-kb-data-");
      const refused = await cli({ DATA_DIR: dataDir })("add", url);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain("is a loopback, private, link-local or metadata address (PINCER_FETCH_ALLOW can allow it)");
      const added = await cli({ DATA_DIR: dataDir, PINCER_FETCH_ALLOW: "127.0.0.1" })("add", url, "--kb", "wiki");
      expect(added).toMatchObject({ code: 0, out: `added ${url} (1 passages)\n` });
      expect((await cli({ DATA_DIR: dataDir })("list", "--kb", "wiki")).out).toContain(`${url}\tWiki\t`);
    } finally {
      server.close();
    }
  });

  it("takes a document sent to the bot with /kb add from an admin on Telegram, and refuses a member's", async () => {
    const bot: FakeBotApi = await startFakeBotApi();
    try {
      ({ gateway } = await startTestGateway(telegramEnv(bot, { PINCER_ADMINS: `telegram:${alice.id}` })));
      const bob = { id: 100000002, is_bot: false, first_name: "Bob" };
      let messageId = 900;
      const sendDocument = (from: typeof alice | typeof bob, text: string, fileName: string) => {
        const fileId = bot.addFile(new TextEncoder().encode(text), `documents/${fileName}`);
        bot.push({
          message: {
            message_id: ++messageId, from, chat: { id: from.id, type: "private", first_name: from.first_name }, date: Math.floor(Date.now() / 1000),
            document: { file_id: fileId, file_unique_id: `u-${fileId}`, file_name: fileName, mime_type: "text/markdown", file_size: text.length },
            caption: "/kb add", caption_entities: [{ type: "bot_command", offset: 0, length: 3 }],
          },
        });
      };
      sendDocument(bob, "# Payroll\n\nSalaries are paid on the 25th.\n", "payroll.md");
      await eventually(() => bot.textsIn(bob.id).length > 0, 10_000);
      expect(bot.textsIn(bob.id)).toEqual(["Only an admin can add documents to a knowledge base."]);
      expect(await gateway.store.knowledge.bases()).toEqual([]);

      sendDocument(alice, "# Deploying\n\nWe deploy from the release branch.\n", "deploy.md");
      await eventually(() => bot.textsIn(alice.id).length > 0, 10_000);
      expect(bot.textsIn(alice.id)[0]).toMatch(/^deploy\.md: added to default \(1 passages?\)\./);
      expect(await gateway.store.knowledge.search(["default"], "release branch", 5)).toEqual([expect.objectContaining({ section: "Deploying" })]);
      expect(await gateway.store.knowledge.search(["default"], "salaries", 5)).toEqual([]);
    } finally {
      await gateway?.stop();
      gateway = undefined;
      await bot.close();
    }
  }, 30_000);
});
