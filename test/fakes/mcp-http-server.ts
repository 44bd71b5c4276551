import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";

export interface FakeMcpHttpOptions {
  /** Listed as given: any name, description and schema, which McpServer would not allow. */
  tools: Tool[];
  /** Tools per tools/list page; the client must follow `nextCursor` for the rest. */
  pageSize: number;
}

export interface FakeMcpHttp {
  /** The streamable HTTP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** The cursor of every tools/list request, in order (undefined for the first page). */
  listCursors: (string | undefined)[];
  calls: { name: string; arguments: Record<string, unknown> | undefined }[];
  close(): Promise<void>;
}

/**
 * An MCP server over streamable HTTP (stateless: a fresh SDK server per request) on 127.0.0.1,
 * built on the SDK's low-level `Server` so that it can page its tool list. Each tool answers
 * `<name> got <arguments as JSON>`.
 */
export async function startFakeMcpHttp(options: FakeMcpHttpOptions): Promise<FakeMcpHttp> {
  const listCursors: (string | undefined)[] = [];
  const calls: FakeMcpHttp["calls"] = [];

  function mcpServer(): Server {
    const server = new Server({ name: "pincer-test-http", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, (request) => {
      const cursor = request.params?.cursor;
      listCursors.push(cursor);
      const start = cursor ? Number(cursor) : 0;
      const end = start + options.pageSize;
      return { tools: options.tools.slice(start, end), ...(end < options.tools.length ? { nextCursor: String(end) } : {}) };
    });
    server.setRequestHandler(CallToolRequestSchema, (request) => {
      calls.push({ name: request.params.name, arguments: request.params.arguments });
      return { content: [{ type: "text", text: `${request.params.name} got ${JSON.stringify(request.params.arguments ?? {})}` }] };
    });
    return server;
  }

  const http = createServer((request, response) => {
    const server = mcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on("close", () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(request, response))
      .catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    listCursors,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
