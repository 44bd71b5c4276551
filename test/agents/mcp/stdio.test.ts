import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcpServers, type McpServers } from "../../../agents/mcp/index.ts";
import { toolSpec, type Tool } from "../../../agents/tools/index.ts";
import { BridgeError } from "../../../core/types/errors.ts";
import { eventually } from "../../support/eventually.ts";
import { notesServer } from "../../support/mcp.ts";
import { recordingLogger } from "../../support/recording-logger.ts";
import { scratchDir, toolContext } from "../tools/context.ts";

const opened: McpServers[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((servers) => servers.close()));
});

async function connectNotes(options: { pidFile?: string } = {}) {
  const dir = await scratchDir();
  const notesFile = join(dir, "notes.txt");
  const logger = recordingLogger();
  const { entries } = logger;
  const env = options.pidFile ? { env: { MCP_PID_FILE: options.pidFile } } : {};
  const servers = await connectMcpServers([notesServer(notesFile, env)], { logger });
  opened.push(servers);
  const tool = (name: string): Tool => servers.tools.find((candidate) => candidate.name === `notes__${name}`)!;
  return { servers, tool, notesFile, entries, context: toolContext(join(dir, "workspace")) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || !/^[ZX]/.test(readFileSync(stat, "utf8").replace(/^.*\) /s, ""));
}

describe("tools of a stdio MCP server", () => {
  it("are offered as <server>__<tool>, with the server's schema, description and risk", async () => {
    const { servers, tool, entries } = await connectNotes();
    expect(servers.tools.map((candidate) => candidate.name)).toEqual([
      "notes__add_note",
      "notes__get_time",
      "notes__show_report",
      "notes__refuse",
      "notes__wait",
      "notes__crash",
    ]);
    expect(toolSpec(tool("add_note"))).toEqual({
      name: "notes__add_note",
      description: "Appends a note to the notes file.",
      parameters: { type: "object", properties: { text: { type: "string", description: "The note" } }, required: ["text"] },
    });
    expect(toolSpec(tool("get_time")).parameters).toEqual({ type: "object", properties: {} });
    expect(servers.tools.every((candidate) => candidate.risk === "exec")).toBe(true);
    expect(tool("add_note").describeCall({ text: "buy milk" }, "/ws")).toBe('notes.add_note({"text":"buy milk"})');
    expect(tool("get_time").describeCall({}, "/ws")).toBe("notes.get_time()");
    expect(entries.some((entry) => entry.level === "info" && entry.message === 'MCP server "notes" connected')).toBe(true);
  });

  it("runs add_note: the note lands in the file and the model reads the server's answer", async () => {
    const { tool, notesFile, context } = await connectNotes();
    expect(await tool("add_note").run({ text: "buy milk" }, context)).toEqual({ text: "saved", artifacts: [] });
    expect(await tool("add_note").run({ text: "call Ann" }, context)).toEqual({ text: "saved", artifacts: [] });
    expect(readFileSync(notesFile, "utf8")).toBe("buy milk\ncall Ann\n");
    expect((await tool("get_time").run({}, context)).text).toBe("2025-01-02T03:04:05Z");
  });

  it("joins text parts and names images and resources", async () => {
    const { tool, context } = await connectNotes();
    expect((await tool("show_report").run({}, context)).text).toBe(
      "Report ready.\n[image]\n[resource file:///reports/today.md]\n[resource file:///reports/raw.json]\nTotal: 3.",
    );
  });

  it("gives an error result, and arguments the server refuses, as text starting with Error:", async () => {
    const { tool, context } = await connectNotes();
    expect((await tool("refuse").run({}, context)).text).toBe("Error: the vault is locked");
    const refused = await tool("add_note").run({ text: 42 }, context);
    expect(refused.text).toMatch(/^Error: .*expected string/);
  });

  it("cancels the call when the run is stopped", async () => {
    const { tool, context } = await connectNotes();
    const controller = new AbortController();
    const running = tool("wait").run({}, { ...context, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toMatchObject({ code: "aborted" });
    expect((await tool("get_time").run({}, context)).text).toBe("2025-01-02T03:04:05Z");
  });

  it("says clearly when the server dies during a call, and starts it again for the next call", async () => {
    const { tool, context, entries } = await connectNotes();
    const failure = await tool("crash").run({}, context).catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(BridgeError);
    expect((failure as BridgeError).message).toBe(
      'The MCP server "notes" stopped during this call, so it is unknown whether crash took effect. It is restarted on the next call.',
    );
    expect(entries.some((entry) => entry.level === "warn" && entry.message === "MCP server went away; the next call reconnects")).toBe(true);
    expect((await tool("get_time").run({}, context)).text).toBe("2025-01-02T03:04:05Z");
  });

  it("ends the server process on close, after which calls are refused", async () => {
    const pidFile = join(await scratchDir(), "pid");
    const { servers, tool, context } = await connectNotes({ pidFile });
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(isRunning(pid)).toBe(true);
    await servers.close();
    await eventually(() => !isRunning(pid));
    await expect(tool("get_time").run({}, context)).rejects.toThrow('The MCP server "notes" is unavailable: The MCP server "notes" has been shut down.');
  });
});

describe("a server that cannot be used", () => {
  it("is left out with a log line, and the other servers' tools still work", async () => {
    const dir = await scratchDir();
    const silentPidFile = join(dir, "silent.pid");
    const logger = recordingLogger();
    const { entries } = logger;
    const servers = await connectMcpServers(
      [
        { name: "missing", command: [join(dir, "no-such-server")], risk: "exec" },
        { name: "quitter", command: [process.execPath, "-e", "console.error('QUITTER_TOKEN is not set'); process.exit(3)"], risk: "exec" },
        { name: "silent", command: [process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(silentPidFile)}, String(process.pid)); setInterval(() => {}, 1000)`], risk: "exec" },
        { name: "both", command: ["x"], url: "http://127.0.0.1:1/mcp", risk: "exec" },
        notesServer(join(dir, "notes.txt")),
      ],
      { logger, connectTimeoutMs: 1000 },
    );
    opened.push(servers);
    expect(servers.tools.map((tool) => tool.name)).toContain("notes__add_note");
    expect(servers.tools.every((tool) => tool.name.startsWith("notes__"))).toBe(true);
    const skipped = entries.filter((entry) => entry.level === "warn").map((entry) => entry.message);
    expect(skipped).toEqual(
      expect.arrayContaining([
        'MCP server "missing" could not be reached; its tools are left out',
        'MCP server "quitter" could not be reached; its tools are left out',
        'MCP server "silent" could not be reached; its tools are left out',
        'MCP server "both" needs exactly one of command or url; its tools are left out',
      ]),
    );
    expect(isRunning(Number(readFileSync(silentPidFile, "utf8")))).toBe(false);
    const quitter = entries.find((entry) => entry.message?.includes('"quitter"'))!;
    expect(quitter.object).toMatchObject({ mcpServer: "quitter", stderr: "QUITTER_TOKEN is not set" });
    const result = await servers.tools.find((tool) => tool.name === "notes__add_note")!.run({ text: "still here" }, toolContext(dir));
    expect(result.text).toBe("saved");
  });
});
