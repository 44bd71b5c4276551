/**
 * A small ACP agent for the tests, written with the SDK's agent side: `node test/fakes/acp-agent.ts [--log file]`.
 * Each request and notification it receives is appended to the log file as a JSON line (`method`, `params`),
 * and so is each permission outcome (`method: "permission-outcome"`).
 *
 * Prompts (the text of the turn):
 * - `crash`: writes a line to stderr and exits with code 3.
 * - anything with `slow`: streams "tick N " every 100 ms for 5 s, honouring `session/cancel`.
 * - `read <path>`: reads the file through `fs/read_text_file` and says "content: …" or "error: …".
 * - `run <command>`: runs it through `terminal/create` (asking permission first), says "exit N: <output>".
 * - `plan`: reports a three-step plan, then says "planned".
 * - `env`: says "env: " and its environment as JSON.
 * - anything else (`edit <path>` picks the file, default notes.txt): two message chunks, a tool call of
 *   kind edit, a permission request; allowed → writes the file through `fs/write_text_file` and says
 *   "wrote it"; rejected → "you rejected it". Images in the prompt are counted first ("I see N image(s).").
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  agent,
  methods,
  ndJsonStream,
  PROTOCOL_VERSION,
  RequestError,
  type AgentContext,
  type PromptResponse,
  type SessionUpdate,
} from "@agentclientprotocol/sdk";

export const fakeAcpAgentPath = fileURLToPath(import.meta.url);
export const writtenContent = "written by the fake ACP agent\n";

interface FakeSession {
  cwd: string;
  history: string[];
  cancel: AbortController | undefined;
}

function main(): void {
  const logIndex = process.argv.indexOf("--log");
  const logPath = logIndex >= 0 ? process.argv[logIndex + 1] : undefined;
  const record = (method: string, params: unknown) => {
    if (logPath) appendFileSync(logPath, `${JSON.stringify({ at: Date.now(), method, params })}\n`);
  };
  const sessions = new Map<string, FakeSession>();

  const send = (client: AgentContext, sessionId: string, update: SessionUpdate) =>
    client.notify(methods.client.session.update, { sessionId, update });
  const say = (client: AgentContext, sessionId: string, text: string) =>
    send(client, sessionId, { sessionUpdate: "agent_message_chunk", content: { type: "text", text } });

  async function askPermission(client: AgentContext, sessionId: string, toolCallId: string, title: string): Promise<boolean | "cancelled"> {
    const answer = await client.request(methods.client.session.requestPermission, {
      sessionId,
      toolCall: { toolCallId, title },
      options: [
        { optionId: "allow-once", name: "Allow once", kind: "allow_once" },
        { optionId: "allow-always", name: "Always allow", kind: "allow_always" },
        { optionId: "reject-once", name: "Reject", kind: "reject_once" },
      ],
    });
    record("permission-outcome", answer.outcome);
    if (answer.outcome.outcome === "cancelled") return "cancelled";
    return answer.outcome.optionId.startsWith("allow");
  }

  async function edit(client: AgentContext, sessionId: string, session: FakeSession, path: string): Promise<PromptResponse> {
    await say(client, sessionId, "Sure, ");
    await say(client, sessionId, "I will edit the file.");
    const toolCallId = randomUUID();
    const title = `Edit ${basename(path)}`;
    await send(client, sessionId, {
      sessionUpdate: "tool_call",
      toolCallId,
      title,
      kind: "edit",
      status: "pending",
      locations: [{ path }],
      rawInput: { path, content: writtenContent },
    });
    const isAllowed = await askPermission(client, sessionId, toolCallId, title);
    if (isAllowed === "cancelled" || session.cancel?.signal.aborted) return { stopReason: "cancelled" };
    if (!isAllowed) {
      await send(client, sessionId, { sessionUpdate: "tool_call_update", toolCallId, status: "failed" });
      await say(client, sessionId, " you rejected it");
      return { stopReason: "end_turn" };
    }
    try {
      await client.request(methods.client.fs.writeTextFile, { sessionId, path, content: writtenContent });
      await send(client, sessionId, { sessionUpdate: "tool_call_update", toolCallId, status: "completed" });
      await say(client, sessionId, " wrote it");
    } catch (error) {
      await send(client, sessionId, { sessionUpdate: "tool_call_update", toolCallId, status: "failed" });
      await say(client, sessionId, ` could not write it: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { stopReason: "end_turn" };
  }

  async function runCommand(client: AgentContext, sessionId: string, session: FakeSession, command: string): Promise<PromptResponse> {
    const toolCallId = randomUUID();
    await send(client, sessionId, { sessionUpdate: "tool_call", toolCallId, title: command, kind: "execute", status: "pending", rawInput: { command } });
    const isAllowed = await askPermission(client, sessionId, toolCallId, command);
    if (isAllowed === "cancelled") return { stopReason: "cancelled" };
    if (!isAllowed) {
      await say(client, sessionId, "you rejected it");
      return { stopReason: "end_turn" };
    }
    try {
      const terminal = await client.createTerminal({ sessionId, command, cwd: session.cwd, outputByteLimit: 1000 });
      const exit = await terminal.waitForExit();
      const { output, truncated } = await terminal.currentOutput();
      await terminal.release();
      await say(client, sessionId, `exit ${exit.exitCode}${truncated ? " (truncated)" : ""}: ${output}`);
    } catch (error) {
      await say(client, sessionId, `error: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { stopReason: "end_turn" };
  }

  const app = agent({ name: "fake-acp-agent" })
    .onRequest(methods.agent.initialize, ({ params }) => {
      record("initialize", params);
      return {
        protocolVersion: PROTOCOL_VERSION,
        agentCapabilities: { loadSession: true, promptCapabilities: { image: true } },
        agentInfo: { name: "fake-acp-agent", version: "1.0.0" },
      };
    })
    .onRequest(methods.agent.session.new, ({ params }) => {
      record("session/new", params);
      const sessionId = randomUUID();
      sessions.set(sessionId, { cwd: params.cwd, history: [], cancel: undefined });
      return { sessionId };
    })
    .onRequest(methods.agent.session.load, async ({ params, client }) => {
      record("session/load", params);
      if (params.sessionId === "unknown-session") throw RequestError.resourceNotFound(params.sessionId);
      // As if read from disk: a session this process never saw is resumed, and its history replayed.
      const session = sessions.get(params.sessionId) ?? { cwd: params.cwd, history: ["(history from disk)"], cancel: undefined };
      sessions.set(params.sessionId, session);
      for (const text of session.history) await say(client, params.sessionId, `REPLAYED ${text}`);
      return {};
    })
    .onRequest(methods.agent.session.prompt, async ({ params, client }) => {
      record("session/prompt", params);
      const session = sessions.get(params.sessionId);
      if (!session) throw RequestError.resourceNotFound(params.sessionId);
      const text = params.prompt.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n").trim();
      const imageCount = params.prompt.filter((block) => block.type === "image").length;
      session.history.push(text);
      session.cancel = new AbortController();
      const cancelled = session.cancel.signal;
      try {
        if (text === "crash") {
          process.stderr.write("fake agent: crashing on purpose\n");
          process.exit(3);
        }
        if (text.includes("slow")) {
          for (let tick = 0; tick < 50; tick += 1) {
            if (cancelled.aborted) return { stopReason: "cancelled" };
            await say(client, params.sessionId, `tick ${tick} `);
            await sleep(100);
          }
          return { stopReason: cancelled.aborted ? "cancelled" : "end_turn" };
        }
        if (text.startsWith("read ")) {
          try {
            const { content } = await client.request(methods.client.fs.readTextFile, { sessionId: params.sessionId, path: resolve(session.cwd, text.slice(5).trim()) });
            await say(client, params.sessionId, `content: ${content}`);
          } catch (error) {
            await say(client, params.sessionId, `error: ${error instanceof Error ? error.message : String(error)}`);
          }
          return { stopReason: "end_turn" };
        }
        if (text.startsWith("run ")) return await runCommand(client, params.sessionId, session, text.slice(4).trim());
        if (text === "env") {
          await say(client, params.sessionId, `env: ${JSON.stringify(process.env)}`);
          return { stopReason: "end_turn" };
        }
        if (text === "plan") {
          await send(client, params.sessionId, {
            sessionUpdate: "plan",
            entries: [
              { content: "read the failing test", priority: "high", status: "completed" },
              { content: "fix the bug", priority: "high", status: "in_progress" },
              { content: "run the tests", priority: "medium", status: "pending" },
            ],
          });
          await say(client, params.sessionId, "planned");
          return { stopReason: "end_turn" };
        }
        if (imageCount > 0) await say(client, params.sessionId, `I see ${imageCount} image(s). `);
        const path = text.startsWith("edit ") ? resolve(session.cwd, text.slice(5).trim()) : join(session.cwd, "notes.txt");
        return await edit(client, params.sessionId, session, path);
      } finally {
        session.cancel = undefined;
      }
    })
    .onNotification(methods.agent.session.cancel, ({ params }) => {
      record("session/cancel", params);
      sessions.get(params.sessionId)?.cancel?.abort();
    });

  const connection = app.connect(
    ndJsonStream(Writable.toWeb(process.stdout) as WritableStream<Uint8Array>, Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>),
  );
  void connection.closed.then(() => process.exit(0));
}

if (process.argv[1] === fakeAcpAgentPath) main();
