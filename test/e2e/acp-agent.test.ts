import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAcpAgent, type AcpAgent } from "../../agents/acp/index.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { loadConfig } from "../../core/config.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import { createAgents } from "../../gateway/agents.ts";
import { agentInput, collect, testContext, textOf } from "../agents/acp/harness.ts";
import { recordingLogger } from "../support/recording-logger.ts";
import { fakeAcpAgentPath, writtenContent } from "../fakes/acp-agent.ts";
import { eventually } from "../support/eventually.ts";
import { openWebChat, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let agent: AcpAgent | undefined;
afterEach(async () => {
  await gateway?.stop();
  await agent?.close();
  gateway = undefined;
  agent = undefined;
});

/** The real gateway with the ACP agent in front of the fake coding agent; the web chat talks to it. */
async function startWithAcp() {
  const dir = tempDataDir();
  const workspaceDir = join(dir, "work");
  const logPath = join(dir, "acp-agent.jsonl");
  const stored = new Map<string, string>();
  const logger = recordingLogger();
  agent = createAcpAgent({
    command: [process.execPath, fakeAcpAgentPath, "--log", logPath],
    env: { PATH: process.env.PATH ?? "" },
    cwd: workspaceDir,
    logger,
    sessionIds: { get: async (key) => stored.get(key), set: async (key, id) => void stored.set(key, id) },
  });
  const started = await startTestGateway({ WORKSPACE_DIR: workspaceDir }, { agent });
  gateway = started.gateway;
  const received = () =>
    existsSync(logPath) ? readFileSync(logPath, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as { method: string }) : [];
  return {
    gateway,
    workspaceDir,
    logger,
    methods: () => received().map((entry) => entry.method),
    outcomes: () => received().filter((entry) => entry.method === "permission-outcome").map((entry) => (entry as { params?: unknown }).params),
  };
}

const approvalId = (text: string) => /\/approve ([a-z0-9]{5})/.exec(text)?.[1];
type Chat = Awaited<ReturnType<typeof openWebChat>>;
const approvalRequest = (chat: Chat) =>
  chat.botMessages().find((message) => message.part.type === "buttons")?.part as (ReplyPart & { type: "buttons" }) | undefined;
/** Every text the page showed, edits included: a status line lives only while the agent works. */
const everShown = (chat: Chat) =>
  chat.events.map(({ data }) => (data as { part?: { text?: string } }).part?.text ?? "").filter(Boolean);

describe("an ACP coding agent through the web chat", () => {
  it("streams the reply with the tool's status line, asks for the permission, and goes on once approved", async () => {
    const { gateway, workspaceDir } = await startWithAcp();
    const chat = await openWebChat(gateway);
    await chat.say("tidy up the notes");
    await chat.waitFor(() => approvalRequest(chat) !== undefined);
    const request = approvalRequest(chat)!;
    expect(request.text).toContain("**Edit notes.txt**");
    expect(request.text).toContain("edit: notes.txt");
    const id = approvalId(request.text)!;
    expect(request.buttons.map((button) => button.id)).toEqual([`approve ${id}`, `approve ${id} always`, `deny ${id}`]);
    await chat.waitFor(() => everShown(chat).some((text) => text.startsWith("Sure, I will edit the file.") && text.includes("✏️ editing notes.txt")));
    expect(existsSync(join(workspaceDir, "notes.txt"))).toBe(false);

    await chat.say(`/approve ${id}`);
    await chat.waitFor(() => chat.texts().includes("Sure, I will edit the file. wrote it"));
    const reply = chat.botMessages().find((message) => message.part.type === "markdown" && message.part.text.startsWith("Sure, "));
    expect(reply!.edits).toBeGreaterThan(0);
    expect(readFileSync(join(workspaceDir, "notes.txt"), "utf8")).toBe(writtenContent);
    await chat.close();
  });

  it("answers with the agent's own standing option when the person chooses always", async () => {
    const { gateway, outcomes } = await startWithAcp();
    const chat = await openWebChat(gateway);
    await chat.say("tidy up the notes");
    await chat.waitFor(() => approvalRequest(chat) !== undefined);
    const id = approvalId(approvalRequest(chat)!.text)!;
    await chat.say(`/approve ${id} always`);
    await chat.waitFor(() => chat.texts().includes("Sure, I will edit the file. wrote it"));
    expect(chat.texts()).toContain("Approved (and from now on): Edit notes.txt runs now.");
    expect(outcomes()).toEqual([{ outcome: "selected", optionId: "allow-always" }]);
    await chat.close();
  });

  it("tells the agent the user rejected it, and the agent says so", async () => {
    const { gateway, workspaceDir } = await startWithAcp();
    const chat = await openWebChat(gateway);
    await chat.say("tidy up the notes");
    await chat.waitFor(() => approvalRequest(chat) !== undefined);
    await chat.say(`/deny ${approvalId(approvalRequest(chat)!.text)}`);
    await chat.waitFor(() => chat.texts().includes("Sure, I will edit the file. you rejected it"));
    expect(existsSync(join(workspaceDir, "notes.txt"))).toBe(false);
    await chat.close();
  });

  it("/stop during a slow answer sends session/cancel to the agent", async () => {
    const { gateway, methods } = await startWithAcp();
    const chat = await openWebChat(gateway);
    await chat.say("a slow job please");
    await chat.waitFor(() => everShown(chat).some((text) => text.includes("tick 2")));
    await chat.say("/stop");
    await chat.waitFor(() => chat.texts().includes("Stopped."));
    await eventually(() => methods().includes("session/cancel"));
    await gateway.pipeline.idle();
    expect(chat.texts().some((text) => text.includes("tick 49"))).toBe(false);
    await chat.close();
  });

  it("shows the agent's crash in the chat, then starts it again for the next message", async () => {
    const { gateway, logger, methods } = await startWithAcp();
    const chat = await openWebChat(gateway);
    await chat.say("plan");
    await chat.waitFor(() => chat.texts().includes("planned"));
    await chat.say("crash");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "error"));
    const error = chat.botMessages().find((message) => message.part.type === "error")!.part as { message: string; ref: string };
    expect(error.message).toBe("The coding agent stopped (exit code 3).");
    expect(logger.entries.find((entry) => entry.message === "the ACP agent process exited")?.object).toMatchObject({
      stderr: expect.stringContaining("crashing on purpose"),
    });

    await chat.say("plan");
    await chat.waitFor(() => chat.texts().filter((text) => text === "planned").length === 2);
    expect(methods().filter((method) => method === "initialize")).toHaveLength(2);
    await chat.close();
  });
});

describe("a coding agent from ACP_AGENT_COMMAND", () => {
  it("answers from the configured command, and resumes its session after a gateway restart", async () => {
    const dataDir = tempDataDir();
    const workspaceDir = join(dataDir, "work");
    const logPath = join(dataDir, "acp-agent.jsonl");
    const env = { DATA_DIR: dataDir, WORKSPACE_DIR: workspaceDir, ACP_AGENT_COMMAND: `"${process.execPath}" "${fakeAcpAgentPath}" --log "${logPath}"` };
    const methods = () => readFileSync(logPath, "utf8").split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { method: string }).method);

    let started = await startTestGateway(env);
    let chat = await openWebChat(started.gateway, "resume");
    await chat.say("plan");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("planned")), 15_000);
    await chat.close();
    await started.gateway.stop();
    expect(methods()).toContain("session/new");

    started = await startTestGateway(env);
    gateway = started.gateway;
    chat = await openWebChat(started.gateway, "resume");
    await chat.say("plan");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("planned")), 15_000);
    expect(methods().filter((method) => method === "session/new")).toHaveLength(1);
    expect(methods()).toContain("session/load");
    await chat.close();
  }, 40_000);
});

describe("the environment of a coding agent", () => {
  /** Every secret the gateway may hold, with obviously fake values. */
  const secrets = {
    PINCER_ADMIN_TOKEN: "fake-admin-token-0123456789",
    TELEGRAM_BOT_TOKEN: "123456:TEST-fake-telegram",
    TELEGRAM_WEBHOOK_SECRET: "fake-webhook-secret-0123456789abcdef",
    SLACK_BOT_TOKEN: "xoxb-fake-slack",
    SLACK_SIGNING_SECRET: "fake-signing-secret",
    SLACK_APP_TOKEN: "xapp-fake-app",
    FEISHU_APP_ID: "cli_fake",
    FEISHU_APP_SECRET: "fake-feishu-secret",
    FEISHU_ENCRYPT_KEY: "fake-encrypt-key",
    FEISHU_VERIFICATION_TOKEN: "fake-verification-token",
    WECOM_BOT_ID: "fake-bot-id",
    WECOM_BOT_SECRET: "fake-wecom-secret",
    OPENAI_API_KEY: "sk-fake-openai",
    OPENAI_MODEL: "fake-model",
    STT_API_KEY: "fake-stt-key",
    DATABASE_URL: "postgres://fake:fake-db-password@127.0.0.1/pincer",
    PINCER_METRICS_TOKEN: "fake-metrics-token",
    AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
    AWS_SECRET_ACCESS_KEY: "fake-aws-secret",
    GOOGLE_APPLICATION_CREDENTIALS: "/fake/credentials.json",
  };

  it("holds no secret of ours, in the agent or its terminals; only what ACP_AGENT_ENV names joins the allowlist", async () => {
    const dataDir = tempDataDir();
    const config = loadConfig({
      ...secrets,
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: "/home/fake",
      LANG: "C.UTF-8",
      TZ: "UTC",
      DATA_DIR: dataDir,
      WORKSPACE_DIR: join(dataDir, "work"),
      PINCER_AGENT: "acp",
      ACP_AGENT_COMMAND: `"${process.execPath}" "${fakeAcpAgentPath}"`,
      ACP_AGENT_ENV: "ANTHROPIC_API_KEY",
      ANTHROPIC_API_KEY: "sk-ant-fake-for-the-agent",
    });
    const set = await createAgents(config, { logger: recordingLogger(), store: createSqliteStore(":memory:") });
    try {
      const acp = set.agents.get("acp")!;
      const said = textOf(await collect(acp.run(agentInput("env"), testContext().context)));
      const agentEnv = JSON.parse(said.replace(/^env: /, "")) as Record<string, string>;
      expect(Object.keys(agentEnv).sort()).toEqual(["ANTHROPIC_API_KEY", "HOME", "LANG", "PATH", "TZ"]);
      expect(agentEnv.ANTHROPIC_API_KEY).toBe("sk-ant-fake-for-the-agent");

      const ran = textOf(await collect(acp.run(agentInput("run env"), testContext().context)));
      expect(ran).toMatch(/^exit 0: /);
      for (const [name, value] of Object.entries(secrets)) {
        expect(said).not.toContain(value);
        expect(ran).not.toContain(`${name}=`);
      }
    } finally {
      await set.close();
    }
  }, 20_000);
});
