import { appendFileSync, writeFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

/**
 * An MCP server for the tests, over stdio with the official SDK: `node test/fakes/mcp-server.ts [notes-file]`
 * (or `MCP_NOTES_FILE`; `MCP_PID_FILE`, when set, receives its process id). `add_note` appends a line
 * to the notes file and answers "saved"; `get_time` answers a fixed time. The others exercise the
 * client's edges: mixed content, an error result, a call that waits to be cancelled, and a crash in
 * the middle of a call.
 */
const notesFile = process.argv[2] ?? process.env.MCP_NOTES_FILE;
const fixedTime = "2025-01-02T03:04:05Z";

if (process.env.MCP_PID_FILE) writeFileSync(process.env.MCP_PID_FILE, String(process.pid));

const server = new McpServer({ name: "pincer-test-notes", version: "1.0.0" });

server.registerTool(
  "add_note",
  { description: "Appends a note to the notes file.", inputSchema: { text: z.string().describe("The note") } },
  ({ text }) => {
    if (!notesFile) return { isError: true, content: [{ type: "text", text: "no notes file configured" }] };
    appendFileSync(notesFile, `${text}\n`);
    return { content: [{ type: "text", text: "saved" }] };
  },
);

server.registerTool("get_time", { description: "Tells the current time (UTC)." }, () => ({
  content: [{ type: "text", text: fixedTime }],
}));

server.registerTool("show_report", { description: "Returns a report with text, an image and resources." }, () => ({
  content: [
    { type: "text", text: "Report ready." },
    { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
    { type: "resource_link", uri: "file:///reports/today.md", name: "today" },
    { type: "resource", resource: { uri: "file:///reports/raw.json", text: "{}", mimeType: "application/json" } },
    { type: "text", text: "Total: 3." },
  ],
}));

server.registerTool("refuse", { description: "Always fails." }, () => ({
  isError: true,
  content: [{ type: "text", text: "the vault is locked" }],
}));

server.registerTool("wait", { description: "Waits until cancelled." }, (extra) => {
  return new Promise((resolve) => {
    extra.signal.addEventListener("abort", () => resolve({ content: [{ type: "text", text: "cancelled" }] }));
  });
});

server.registerTool("crash", { description: "Exits in the middle of the call." }, () => {
  setTimeout(() => process.exit(7), 20);
  return new Promise(() => undefined);
});

await server.connect(new StdioServerTransport());
