import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLlmAgent } from "../../agents/llm/index.ts";
import { connectMcpServers, type McpServerConfig, type McpServers } from "../../agents/mcp/index.ts";
import { createTools } from "../../agents/tools/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { notesServer, notesServerPath } from "../support/mcp.ts";
import { recordingLogger } from "../support/recording-logger.ts";
import { openWebChat, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let model: FakeOpenAI | undefined;
let mcp: McpServers | undefined;
afterEach(async () => {
  await gateway?.stop();
  await model?.close();
  await mcp?.close();
  gateway = undefined;
  model = undefined;
  mcp = undefined;
});

/** The gateway with an LLM agent whose tools are the host tools plus those of the stdio test MCP server. */
async function startWithNotesServer(overrides: Partial<McpServerConfig> = {}) {
  const dir = tempDataDir();
  const notesFile = join(dir, "notes.txt");
  const workspaceDir = join(dir, "workspace");
  model = await startFakeOpenAI();
  mcp = await connectMcpServers([notesServer(notesFile, overrides)], { logger: recordingLogger() });
  const agent = createLlmAgent({
    provider: "openai",
    baseUrl: model.url,
    apiKey: "sk-test-fake",
    model: "gpt-4o-mini",
    maxSteps: 12,
    contextTokens: 8000,
    workspaceDir,
    tools: [...createTools({ shell: { env: {} } }), ...mcp.tools],
  });
  gateway = (await startTestGateway({}, { agent })).gateway;
  return { gateway, model, notesFile };
}

const approvalId = (text: string) => /\/approve ([a-z0-9]{5})/.exec(text)?.[1];
const toolMessages = (fake: FakeOpenAI) =>
  fake.chatRequests().flatMap((request) => request.body.messages.filter((message) => message.role === "tool").map((message) => String(message.content)));

describe("an MCP server's tools in the LLM agent", () => {
  it("are offered to the model, asked about before they run, and their answer reaches the model", async () => {
    const { gateway, model, notesFile } = await startWithNotesServer();
    model.script(
      { type: "tool-calls", calls: [{ name: "notes__add_note", arguments: { text: "buy milk" } }] },
      { type: "text", text: "Noted: buy milk." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("note that I need to buy milk");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "buttons"));

    const offered = (model.chatRequests()[0]!.body.tools ?? []).map((tool) => (tool as { function: { name: string; parameters: unknown } }).function);
    expect(offered.map((tool) => tool.name)).toEqual(expect.arrayContaining(["shell", "notes__add_note", "notes__get_time"]));
    expect(offered.find((tool) => tool.name === "notes__add_note")!.parameters).toEqual({
      type: "object",
      properties: { text: { type: "string", description: "The note" } },
      required: ["text"],
    });

    const request = chat.botMessages().find((message) => message.part.type === "buttons")!.part as { text: string };
    expect(request.text).toContain("**notes__add_note** wants to run");
    expect(request.text).toContain('notes.add_note({"text":"buy milk"})');
    expect(existsSync(notesFile)).toBe(false);

    await chat.say(`/approve ${approvalId(request.text)!}`);
    await chat.waitFor(() => chat.texts().includes("Noted: buy milk."));
    expect(readFileSync(notesFile, "utf8")).toBe("buy milk\n");
    expect(toolMessages(model)).toHaveLength(1);
    expect(toolMessages(model)[0]).toMatch(/^<untrusted source="notes__add_note output">\nsaved\n<\/untrusted>$/);
    await chat.close();
  });

  it("run without asking when their server is configured as read-only", async () => {
    const { gateway, model } = await startWithNotesServer({ risk: "read" });
    model.script(
      { type: "tool-calls", calls: [{ name: "notes__get_time", arguments: {} }] },
      { type: "text", text: "It is 03:04 UTC." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("what time is it?");
    await chat.waitFor(() => chat.texts().includes("It is 03:04 UTC."));
    expect(chat.botMessages().some((message) => message.part.type === "buttons")).toBe(false);
    expect(toolMessages(model)[0]).toContain("2025-01-02T03:04:05Z");
    await chat.close();
  });

  it("tell the model when the server died during the call, and the chat still gets an answer", async () => {
    const { gateway, model } = await startWithNotesServer({ risk: "read" });
    model.script(
      { type: "tool-calls", calls: [{ name: "notes__crash", arguments: {} }] },
      { type: "text", text: "The notes server crashed." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("crash it");
    await chat.waitFor(() => chat.texts().includes("The notes server crashed."));
    expect(toolMessages(model)[0]).toBe(
      'Error: The MCP server "notes" stopped during this call, so it is unknown whether crash took effect. It is restarted on the next call.',
    );
    await chat.close();
  });
});

describe("MCP servers from PINCER_CONFIG", () => {
  it("join the LLM agent's tools with the risk the config gives them", async () => {
    const dir = tempDataDir();
    const notes = join(dir, "notes.txt");
    const config = join(dir, "pincer.yaml");
    writeFileSync(config, `mcpServers:\n  notes:\n    command: '"${process.execPath}" "${notesServerPath}" "${notes}"'\n    risk: read\n`);
    const model = await startFakeOpenAI();
    model.script(
      { type: "tool-calls", calls: [{ name: "notes__add_note", arguments: { text: "from the config" } }] },
      { type: "text", text: "Noted." },
    );
    const { gateway } = await startTestGateway({ PINCER_CONFIG: config, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake", OPENAI_MODEL: "gpt-4o-mini" });
    try {
      const chat = await openWebChat(gateway);
      await chat.say("note this");
      await chat.waitFor(() => chat.texts().includes("Noted."), 15_000);
      expect(readFileSync(notes, "utf8")).toContain("from the config");
      expect(chat.botMessages().some((message) => message.part.type === "buttons")).toBe(false);
      await chat.close();
    } finally {
      await gateway.stop();
      await model.close();
    }
  }, 30_000);
});
