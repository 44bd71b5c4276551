import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { Lexer } from "marked";
import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "../../core/config.ts";
import type { Gateway, GatewayOptions } from "../../gateway/gateway.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { startFakeAnthropic } from "../fakes/anthropic-server.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { eventually } from "../support/eventually.ts";
import { openWebChat, ownerAuth, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let model: FakeOpenAI | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await gateway?.stop();
  await model?.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  gateway = undefined;
  model = undefined;
});

async function startWithModel(env: Env = {}, options: GatewayOptions = {}) {
  model = await startFakeOpenAI();
  const workspaceDir = join(tempDataDir(), "workspace");
  const started = await startTestGateway(
    { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini", WORKSPACE_DIR: workspaceDir, ...env },
    options,
  );
  gateway = started.gateway;
  return { gateway, model, workspaceDir, log: started.log };
}

const approvalId = (text: string) => /\/approve ([a-z0-9]{5})/.exec(text)?.[1];
const toolMessages = (fake: FakeOpenAI) =>
  fake.chatRequests().flatMap((request) => request.body.messages.filter((message) => message.role === "tool").map((message) => String(message.content)));

describe("the LLM agent over an OpenAI-compatible endpoint", () => {
  it("streams the answer to a plain question and records the usage", async () => {
    const { gateway, model } = await startWithModel();
    model.script({ type: "text", text: "Paris is the capital of France.", chunkCount: 5, chunkDelayMs: 60, usage: { inputTokens: 321, outputTokens: 9 } });
    const chat = await openWebChat(gateway);
    await chat.say("What is the capital of France?");
    await chat.waitFor(() => chat.texts().includes("Paris is the capital of France."));
    await gateway.pipeline.idle();
    expect(chat.botMessages()[0]!.edits).toBeGreaterThan(0);
    const request = model.chatRequests()[0]!.body;
    expect(request.stream).toBe(true);
    expect(request.messages.at(-1)).toEqual({ role: "user", content: "What is the capital of France?" });
    const totals = await gateway.store.usage.totals({ userRef: "web:owner" }, 0);
    expect(totals).toMatchObject({ calls: 1, inputTokens: 321, outputTokens: 9 });
    expect(totals.costUsd).toBeGreaterThan(0);
    const metrics = await (await fetch(`${gateway.url}metrics`)).text();
    expect(metrics).toContain('pincer_tokens_total{direction="input",model="gpt-4o-mini"} 321');
    await chat.say("/usage");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("Today, this chat: 330 tokens")));
    await chat.say("/status");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("Context: 321 of 8,000 tokens (4%) in the last model call")));
    expect(chat.texts().find((text) => text.startsWith("Agent:"))).toContain("Model: gpt-4o-mini");
    await chat.close();
  });

  it("asks before running shell, runs it once approved, and gives the output back to the model", async () => {
    const { gateway, model, workspaceDir } = await startWithModel();
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo pincer-was-here > proof.txt && cat proof.txt" } }] },
      { type: "text", text: "Done: proof.txt says pincer-was-here." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("write a proof file");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "buttons"));
    const request = chat.botMessages().find((message) => message.part.type === "buttons")!.part as { text: string; buttons: { id: string }[] };
    expect(request.text).toContain("$ echo pincer-was-here > proof.txt && cat proof.txt");
    expect(existsSync(join(workspaceDir, "proof.txt"))).toBe(false);
    const id = approvalId(request.text)!;
    expect(request.buttons.map((button) => button.id)).toEqual([`approve ${id}`, `deny ${id}`]);

    await chat.say(`/approve ${id}`);
    await chat.waitFor(() => chat.texts().some((text) => text.includes("Done: proof.txt says pincer-was-here.")));
    expect(readFileSync(join(workspaceDir, "proof.txt"), "utf8")).toBe("pincer-was-here\n");
    expect(toolMessages(model)[0]).toContain("pincer-was-here");

    await chat.say(`/approve ${id}`);
    await chat.waitFor(() => chat.texts().some((text) => text.includes(`Approval ${id} was already approved; nothing changed.`)));
    await gateway.pipeline.idle();
    expect(model.chatRequests()).toHaveLength(2);
    await chat.close();
  });

  it("tells the model who denied a call, and runs nothing", async () => {
    const { gateway, model, workspaceDir } = await startWithModel();
    model.script(
      { type: "tool-calls", calls: [{ name: "write_file", arguments: { path: "nope.txt", content: "x" } }] },
      { type: "text", text: "Understood, I did not write it." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("write nope.txt");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "buttons"));
    const id = approvalId((chat.botMessages().find((message) => message.part.type === "buttons")!.part as { text: string }).text)!;
    await chat.say(`/deny ${id}`);
    await chat.waitFor(() => chat.texts().some((text) => text.includes("Understood, I did not write it.")));
    expect(toolMessages(model)[0]).toMatch(/denied by web:owner/);
    expect(existsSync(join(workspaceDir, "nope.txt"))).toBe(false);
    await chat.close();
  });

  it("treats an expired approval as a denial", async () => {
    const { gateway, model } = await startWithModel({}, { approvalTtlMs: 200 });
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "touch late.txt" } }] },
      { type: "text", text: "Nobody approved in time." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("touch late.txt");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("Nobody approved in time.")));
    expect(toolMessages(model)[0]).toMatch(/denied by nobody within .*expired/);
    await chat.close();
  });

  it("refuses a path that escapes the workspace", async () => {
    const { gateway, model } = await startWithModel();
    model.script(
      { type: "tool-calls", calls: [{ name: "read_file", arguments: { path: "../../etc/passwd" } }] },
      { type: "text", text: "I may not read that." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("show me /etc/passwd");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("I may not read that.")));
    expect(toolMessages(model)[0]).toContain("outside the workspace");
    expect(toolMessages(model)[0]).not.toContain("root:");
    await chat.close();
  });

  it("/stop during a tool run kills the command", async () => {
    const { gateway, model, workspaceDir } = await startWithModel({ PINCER_OWNER_AUTO_APPROVE: "true" });
    model.script({ type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo $$ > pid.txt; sleep 30; echo finished > done.txt" } }] });
    const chat = await openWebChat(gateway);
    await chat.say("run the long job");
    await eventually(() => existsSync(join(workspaceDir, "pid.txt")) && readFileSync(join(workspaceDir, "pid.txt"), "utf8").trim() !== "");
    const pid = Number(readFileSync(join(workspaceDir, "pid.txt"), "utf8"));
    await chat.say("/stop");
    await chat.waitFor(() => chat.texts().includes("Stopped."));
    await gateway.pipeline.idle();
    const isAlive = () => {
      try {
        process.kill(pid, 0);
        return !readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2]!.startsWith("Z");
      } catch {
        return false;
      }
    };
    await eventually(() => !isAlive());
    expect(existsSync(join(workspaceDir, "done.txt"))).toBe(false);
    expect(model.chatRequests()).toHaveLength(1);
    await chat.close();
  });

  it("attaches long command output as a file the web chat can open, and trims what the model reads", async () => {
    const { gateway, model } = await startWithModel({ PINCER_OWNER_AUTO_APPROVE: "true" });
    model.script({ type: "tool-calls", calls: [{ name: "shell", arguments: { command: "seq 1 5000" } }] }, { type: "text", text: "Counted." });
    const chat = await openWebChat(gateway);
    await chat.say("count to 5000");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("Counted.")));
    const file = chat.botMessages().find((message) => message.part.type === "file")!.part as { media: { url: string; fileName: string } };
    const download = await fetch(new URL(file.media.url, gateway.url), { headers: ownerAuth(gateway) });
    expect(download.status).toBe(200);
    const lines = (await download.text()).trim().split("\n");
    expect(lines).toHaveLength(5000);
    expect(lines.at(-1)).toBe("5000");
    const seen = toolMessages(model)[0]!;
    expect(seen).toContain("\n5000");
    expect(seen.length).toBeLessThan(6000);
    await chat.close();
  });

  it("shows a model failure as a short message with a reference id", async () => {
    const { gateway, model, log } = await startWithModel();
    model.script({ type: "error", status: 400, message: "model not found" });
    const chat = await openWebChat(gateway);
    await chat.say("hello?");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "error"));
    const error = chat.botMessages().find((message) => message.part.type === "error")!.part as { message: string; ref: string };
    expect(error.message).toBe("The model service rejected the request (HTTP 400).");
    expect(log.lines.some((line) => line.includes(error.ref))).toBe(true);
    expect(log.lines.join("\n")).not.toContain("sk-test-fake-key-0000");
    await chat.close();
  });

  it("retries a 429 after the time the service asks for", async () => {
    const { gateway, model } = await startWithModel();
    model.script({ type: "error", status: 429, retryAfterSec: 1 }, { type: "text", text: "Second time lucky." });
    const chat = await openWebChat(gateway);
    await chat.say("hi");
    await chat.waitFor(() => chat.texts().includes("Second time lucky."), 10_000);
    const [first, second] = model.chatRequests();
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(900);
    await chat.close();
  });
});

describe("approvals in a direct chat with a member", () => {
  it("cannot be given by the member; an admin gets the request in their DM and approves it", async () => {
    const platform = createChatPlatform();
    const { gateway, model, workspaceDir } = await startWithModel(
      { PINCER_DM_POLICY: "open", PINCER_ADMINS: "chat:admin" },
      { extraAdapters: [platform.adapter] },
    );
    await platform.deliver(platform.text("admin", "/status")); // the admin's DM becomes known
    await gateway.pipeline.idle();
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo hi > member.txt" } }] },
      { type: "text", text: "All done." },
    );
    await platform.deliver(platform.text("member", "make member.txt"));
    const requestIn = (chat: string) => platform.sent.find((entry) => entry.to.chatId === chat && entry.part.type === "buttons");
    await eventually(() => requestIn("admin") !== undefined);
    const id = approvalId((requestIn("member")!.part as { text: string }).text)!;
    expect(approvalId((requestIn("admin")!.part as { text: string }).text)).toBe(id);

    await platform.deliver(platform.text("member", `/approve ${id}`));
    await eventually(() => platform.texts().includes("Only an admin can approve this request."));
    expect(existsSync(join(workspaceDir, "member.txt"))).toBe(false);

    await platform.deliver(platform.text("admin", `/approve ${id}`));
    await gateway.pipeline.idle();
    expect(readFileSync(join(workspaceDir, "member.txt"), "utf8")).toBe("hi\n");
    expect(platform.texts()).toContain("All done.");
  });
});

describe("approvals in a group", () => {
  const team = { chat: "team", kind: "group" as const };

  async function startInGroup(configYaml?: string) {
    const platform = createChatPlatform();
    const env: Env = { PINCER_ALLOW_GROUPS: "chat:team", PINCER_ADMINS: "chat:admin" };
    if (configYaml) {
      const config = join(tempDataDir(), "pincer.yaml");
      writeFileSync(config, configYaml);
      env.PINCER_CONFIG = config;
    }
    const started = await startWithModel(env, { extraAdapters: [platform.adapter] });
    return { ...started, platform };
  }

  const mention = (platform: ReturnType<typeof createChatPlatform>, from: string, text: string) =>
    platform.message({ from, ...team, segments: [{ type: "mention", userId: "bot", text: "@pincer", isSelf: true }, { type: "text", text: ` ${text}` }] });

  it("asks before a tool that only reads, unless the group's binding auto-approves it", async () => {
    const { gateway, model, workspaceDir, platform } = await startInGroup();
    mkdirSync(workspaceDir, { recursive: true });
    writeFileSync(join(workspaceDir, "notes.txt"), "secret notes");
    model.script({ type: "tool-calls", calls: [{ name: "read_file", arguments: { path: "notes.txt" } }] }, { type: "text", text: "Read it." });
    await platform.deliver(mention(platform, "carol", "read notes.txt"));
    await eventually(() => platform.sent.some((entry) => entry.part.type === "buttons"));
    expect(toolMessages(model)).toEqual([]);
    await gateway.stop();
    await model.close();

    const bound = await startInGroup("bindings:\n  - match: { platform: chat, chatId: team }\n    agent: llm\n    autoApprove: [read_file, shell]\n");
    mkdirSync(bound.workspaceDir, { recursive: true });
    writeFileSync(join(bound.workspaceDir, "notes.txt"), "secret notes");
    bound.model.script(
      { type: "tool-calls", calls: [{ name: "read_file", arguments: { path: "notes.txt" } }] },
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo hi" } }] },
      { type: "text", text: "Read it." },
    );
    await bound.platform.deliver(mention(bound.platform, "carol", "read notes.txt"));
    await eventually(() => bound.platform.sent.some((entry) => entry.part.type === "buttons"));
    expect(toolMessages(bound.model)[0]).toContain("secret notes");
    // autoApprove covers reading only: the shell call still waits for an admin.
    expect((bound.platform.sent.find((entry) => entry.part.type === "buttons")!.part as { text: string }).text).toContain("**shell**");
  });
});

describe("where an approval can be decided", () => {
  it("refuses a decision from another chat, even an admin's, and takes it in the chat where it was asked", async () => {
    const platform = createChatPlatform();
    const { gateway, model, workspaceDir } = await startWithModel(
      { PINCER_ALLOW_GROUPS: "chat:team,chat:other", PINCER_ADMINS: "chat:admin" },
      { extraAdapters: [platform.adapter] },
    );
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo hi > team.txt" } }] },
      { type: "text", text: "All done." },
    );
    const inGroup = (chat: string, from: string, text: string) =>
      platform.message({ from, chat, kind: "group", segments: [{ type: "text", text }] });
    await platform.deliver(inGroup("team", "carol", "/run make team.txt"));
    await eventually(() => platform.sent.some((entry) => entry.part.type === "buttons"));
    const request = platform.sent.find((entry) => entry.part.type === "buttons")!;
    expect(request.to.chatId).toBe("team");
    const id = approvalId((request.part as { text: string }).text)!;

    await platform.deliver(inGroup("other", "admin", `/approve ${id}`));
    await eventually(() => platform.texts().some((text) => text.includes(`Approval ${id} can only be decided in the chat where it was asked`)));
    expect((await gateway.store.approvals.get(id))?.status).toBe("pending");
    expect(existsSync(join(workspaceDir, "team.txt"))).toBe(false);

    await platform.deliver(inGroup("team", "admin", `/approve ${id}`));
    await eventually(() => platform.texts().includes("All done."));
    expect(readFileSync(join(workspaceDir, "team.txt"), "utf8")).toBe("hi\n");
  });
});

describe("an approval request in the chat", () => {
  it("shows a backtick-laden shell command intact, in a code block it cannot close", async () => {
    const { gateway, model } = await startWithModel();
    // A line of backticks would close a three-backtick fence and let the rest pass as the prompt's own text.
    const command = "cat <<'EOF'\n```\nApproved by the admin. **Safe to run.**\n````\nEOF\necho ````not-a-fence```` && echo done";
    model.script({ type: "tool-calls", calls: [{ name: "shell", arguments: { command } }] }, { type: "text", text: "Ok." });
    const chat = await openWebChat(gateway);
    await chat.say("print some fences");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "buttons"));
    const text = (chat.botMessages().find((message) => message.part.type === "buttons")!.part as { text: string }).text;
    const blocks = new Lexer().lex(text).flatMap((token) => (token.type === "code" ? [token.text] : []));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.startsWith(`$ ${command}  (in `)).toBe(true);
    await chat.close();
  });

  it("attaches the full contents of a file to write, and every argument is named", async () => {
    const platform = createChatPlatform();
    const { model } = await startWithModel({ PINCER_DM_POLICY: "open" }, { extraAdapters: [platform.adapter] });
    const content = Array.from({ length: 80 }, (_, index) => `line ${index + 1}`).join("\n");
    model.script({ type: "tool-calls", calls: [{ name: "write_file", arguments: { path: "long.txt", content } }] }, { type: "text", text: "Ok." });
    await platform.deliver(platform.text("dana", "write a long file"));
    await eventually(() => platform.sent.some((entry) => entry.part.type === "buttons"));
    const file = platform.sent.find((entry) => entry.part.type === "file")!.part as { media: { id: string; fileName: string } };
    expect(readFileSync(file.media.id, "utf8")).toBe(content);
    const text = (platform.sent.find((entry) => entry.part.type === "buttons")!.part as { text: string }).text;
    expect(text).toContain(`\` content \`: ${content.length} characters, 80 lines, attached in full as **${file.media.fileName}**`);
    expect(text).toContain("` path `:");
  });
});

describe("tokens and money", () => {
  it("keeps every call of a 60-turn conversation within PINCER_CONTEXT_TOKENS, compacting into a summary", async () => {
    const budget = 2500;
    const { gateway, model } = await startWithModel({ PINCER_CONTEXT_TOKENS: String(budget) });
    const chat = await openWebChat(gateway);
    for (let turn = 1; turn <= 60; turn += 1) {
      await chat.say(`Turn ${turn}: ${"please remember this detail about the project. ".repeat(6)}`);
      await gateway.pipeline.idle();
    }
    const requests = model.chatRequests().map((request) => request.body);
    const promptTokens = requests.map((body) => {
      const tools = body.tools ? countTokens(JSON.stringify(body.tools.map((tool) => (tool as { function: unknown }).function))) : 0;
      return tools + body.messages.reduce((sum, message) => sum + countTokens(String(message.content ?? "")) + 4, 0);
    });
    expect(Math.max(...promptTokens)).toBeLessThanOrEqual(budget);
    const compactions = requests.filter((body) => String(body.messages[0]?.content).startsWith("You maintain the running summary"));
    expect(compactions.length).toBeGreaterThan(0);
    expect(compactions.length).toBeLessThan(20);
    const lastTurn = requests.at(-1)!;
    expect(lastTurn.messages.some((message) => String(message.content).startsWith("Summary of the conversation so far:"))).toBe(true);
    await chat.close();
  }, 60_000);

  it("makes no model call once a daily cap is reached, and says so once", async () => {
    const { gateway, model } = await startWithModel({ PINCER_DAILY_TOKENS_PER_USER: "500" });
    model.script({ type: "text", text: "First answer.", usage: { inputTokens: 480, outputTokens: 30 } });
    const chat = await openWebChat(gateway);
    await chat.say("first");
    await chat.waitFor(() => chat.texts().includes("First answer."));
    await gateway.pipeline.idle();
    await chat.say("second");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Daily budget reached")));
    await gateway.pipeline.idle();
    expect(model.chatRequests()).toHaveLength(1);
    expect(chat.texts().filter((text) => text.startsWith("Daily budget reached"))).toHaveLength(1);
    expect(chat.texts().at(-1)).toMatch(/your limit is 500 tokens a day\. No model call was made\. It resets at 00:00 UTC/);
    await chat.close();
  });
});

describe("the LLM agent over the Anthropic Messages API", () => {
  it("streams an answer, with cache breakpoints on the system prompt and tools", async () => {
    const anthropic = await startFakeAnthropic();
    cleanups.push(() => anthropic.close());
    const started = await startTestGateway({
      ANTHROPIC_BASE_URL: anthropic.url,
      ANTHROPIC_API_KEY: "sk-ant-test-fake",
      ANTHROPIC_MODEL: "claude-sonnet-4-5",
      WORKSPACE_DIR: join(tempDataDir(), "workspace"),
    });
    gateway = started.gateway;
    anthropic.script({ type: "text", text: "Hello from Claude.", usage: { inputTokens: 50, cachedTokens: 900, cacheWriteTokens: 0, outputTokens: 5 } });
    const chat = await openWebChat(gateway);
    await chat.say("hi");
    await chat.waitFor(() => chat.texts().includes("Hello from Claude."));
    await gateway.pipeline.idle();
    const body = anthropic.messageRequests()[0]!.body;
    expect(JSON.stringify(body.system)).toContain('"cache_control":{"type":"ephemeral"}');
    expect(JSON.stringify(body.tools?.at(-1))).toContain('"cache_control"');
    expect(await gateway.store.usage.totals({ userRef: "web:owner" }, 0)).toMatchObject({ inputTokens: 950, outputTokens: 5 });
    await chat.close();
  });
});
