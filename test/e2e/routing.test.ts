import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { eventually } from "../support/eventually.ts";
import { openWebChat, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let model: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await model?.close();
  gateway = undefined;
  model = undefined;
});

describe("routing conversations to agents", () => {
  it("sends each chat to its bound agent, and lets only admins switch with /agent", async () => {
    model = await startFakeOpenAI({ fallback: () => ({ type: "text", text: "An answer from the model." }) });
    const config = join(mkdtempSync(join(tmpdir(), "pincer-routing-")), "pincer.yaml");
    writeFileSync(config, "bindings:\n  - match: { platform: chat, chatId: bob }\n    agent: llm\n    model: gpt-4o\ndefaultAgent: builtin\n");
    const platform = createChatPlatform();
    ({ gateway } = await startTestGateway(
      { PINCER_CONFIG: config, PINCER_DM_POLICY: "open", OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake", OPENAI_MODEL: "gpt-4o-mini" },
      { extraAdapters: [platform.adapter] },
    ));
    const say = async (from: string, text: string) => {
      const before = platform.sent.filter((entry) => entry.to.chatId === from).length;
      await platform.deliver(platform.text(from, text));
      await eventually(() => platform.sent.filter((entry) => entry.to.chatId === from).length > before);
      await gateway!.pipeline.idle();
      const mine = platform.sent.filter((entry) => entry.to.chatId === from);
      return platform.texts()[platform.sent.indexOf(mine.at(-1)!)]!;
    };

    expect(await say("bob", "hello")).toBe("An answer from the model.");
    expect(model.chatRequests()[0]!.body.model).toBe("gpt-4o");
    expect(await say("carol", "hello")).toContain("I'm Pincer's built-in agent");
    expect(await say("carol", "/agent llm")).toBe("Only an admin can switch the agent.");
    expect(await say("carol", "/agent")).toBe("Agents: builtin (current), llm.");

    const chat = await openWebChat(gateway!);
    await chat.say("/agent llm");
    await chat.waitFor(() => chat.texts().includes("This conversation now talks to llm."));
    await chat.say("/model gpt-4.1-mini");
    await chat.waitFor(() => chat.texts().includes("This conversation now uses gpt-4.1-mini."));
    await chat.say("and now?");
    await chat.waitFor(() => chat.texts().includes("An answer from the model."));
    expect(model.chatRequests().at(-1)!.body.model).toBe("gpt-4.1-mini");
    expect(await say("carol", "still builtin?")).toContain("I'm Pincer's built-in agent");
    await chat.close();
  });
});

describe("a binding's tool policy and instructions", () => {
  it("offers no tools where the policy is none, refuses risky ones where it is read, and adds the instructions", async () => {
    model = await startFakeOpenAI({ fallback: () => ({ type: "text", text: "Done." }) });
    const config = join(mkdtempSync(join(tmpdir(), "pincer-routing-")), "pincer.yaml");
    writeFileSync(
      config,
      [
        "bindings:",
        "  - match: { platform: chat, chatId: quiet }",
        "    agent: llm",
        "    tools: none",
        "    instructions: Answer in one word.",
        "  - match: { platform: chat, chatId: reader }",
        "    agent: llm",
        "    tools: read",
        "",
      ].join("\n"),
    );
    const platform = createChatPlatform();
    ({ gateway } = await startTestGateway(
      { PINCER_CONFIG: config, PINCER_DM_POLICY: "open", PINCER_ADMINS: "chat:reader", OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake", OPENAI_MODEL: "gpt-4o-mini" },
      { extraAdapters: [platform.adapter] },
    ));
    await platform.deliver(platform.text("quiet", "hello"));
    await eventually(() => platform.texts().includes("Done."));
    await gateway.pipeline.idle();
    const quiet = model.chatRequests()[0]!.body;
    expect(quiet.tools).toBeUndefined();
    expect(String(quiet.messages[0]!.content)).toContain("Instructions for this chat:\nAnswer in one word.");

    model.script({ type: "tool-calls", calls: [{ name: "shell", arguments: { command: "id" } }] }, { type: "text", text: "Not here." });
    await platform.deliver(platform.text("reader", "run id"));
    await eventually(() => platform.texts().includes("Not here."));
    const offered = (model.chatRequests()[1]!.body.tools ?? []).map((tool) => (tool as { function: { name: string } }).function.name);
    expect(offered).toEqual(["read_file", "list_files", "send_file", "remember", "recall", "search_knowledge"]);
    const toolReply = model.chatRequests()[2]!.body.messages.find((message) => message.role === "tool");
    expect(String(toolReply?.content)).toBe("Error: there is no tool named shell.");
    expect(platform.sent.some((entry) => entry.part.type === "buttons")).toBe(false);
  });
});
