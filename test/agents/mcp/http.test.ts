import { afterEach, describe, expect, it } from "vitest";
import { connectMcpServers, type McpServers } from "../../../agents/mcp/index.ts";
import { toolSpec } from "../../../agents/tools/index.ts";
import { startFakeMcpHttp, type FakeMcpHttp } from "../../fakes/mcp-http-server.ts";
import { recordingLogger } from "../../support/recording-logger.ts";
import { toolContext } from "../tools/context.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const objectSchema = { type: "object" as const, properties: {} };

async function connect(fake: FakeMcpHttp, risk: "read" | "exec" = "exec") {
  const logger = recordingLogger();
  const { entries } = logger;
  const servers: McpServers = await connectMcpServers([{ name: "remote", url: fake.url, risk }], { logger });
  cleanups.push(() => servers.close());
  return { servers, entries };
}

async function startFake(tools: Parameters<typeof startFakeMcpHttp>[0]["tools"], pageSize = 100) {
  const fake = await startFakeMcpHttp({ tools, pageSize });
  cleanups.push(() => fake.close());
  return fake;
}

describe("tools of a streamable HTTP MCP server", () => {
  it("are all listed, page after page, and called over HTTP", async () => {
    const tools = ["one", "two", "three", "four", "five"].map((name) => ({ name, description: `Tool ${name}.`, inputSchema: objectSchema }));
    const fake = await startFake(tools, 2);
    const { servers } = await connect(fake, "read");
    expect(servers.tools.map((tool) => tool.name)).toEqual(["remote__one", "remote__two", "remote__three", "remote__four", "remote__five"]);
    expect(fake.listCursors).toEqual([undefined, "2", "4"]);
    expect(servers.tools.every((tool) => tool.risk === "read")).toBe(true);

    const result = await servers.tools[3]!.run({ city: "Oslo", days: 2 }, toolContext("/tmp"));
    expect(result.text).toBe('four got {"city":"Oslo","days":2}');
    expect(fake.calls).toEqual([{ name: "four", arguments: { city: "Oslo", days: 2 } }]);
  });

  it("get names of at most 64 safe characters, kept apart when two would clash", async () => {
    const long = "x".repeat(70);
    const fake = await startFake(
      ["get.weather/now", "get weather", "get_weather", `${long}1`, `${long}2`].map((name) => ({ name, inputSchema: objectSchema })),
    );
    const { servers } = await connect(fake);
    const names = servers.tools.map((tool) => tool.name);
    expect(names.slice(0, 3)).toEqual(["remote__get_weather_now", "remote__get_weather", expect.stringMatching(/^remote__get_weather_[0-9a-f]{6}$/)]);
    expect(names[3]).toBe(`remote__${"x".repeat(56)}`);
    expect(names[4]).toMatch(/^remote__x{49}_[0-9a-f]{6}$/);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);

    expect(servers.tools[0]!.describeCall({ when: "today" }, "/ws")).toBe('remote.get.weather/now({"when":"today"})');
    await servers.tools[0]!.run({}, toolContext("/tmp"));
    expect(fake.calls[0]!.name).toBe("get.weather/now");
  });

  it("carry the server's schema as given, a short description, and a stand-in for a missing one", async () => {
    const schema = {
      type: "object" as const,
      properties: { query: { type: "string", minLength: 1 }, limit: { type: "integer", maximum: 50 } },
      required: ["query"],
    };
    const essay = `Searches the archive. ${"It is a very thorough search indeed. ".repeat(40)}`;
    const fake = await startFake([
      { name: "search", description: essay, inputSchema: schema },
      { name: "ping", inputSchema: { type: "object" } },
    ]);
    const { servers } = await connect(fake);
    const [search, ping] = servers.tools.map(toolSpec);
    expect(search!.parameters).toEqual(schema);
    expect(search!.description.length).toBeLessThanOrEqual(300);
    expect(search!.description).toMatch(/^Searches the archive\. (It is a very thorough search indeed\. )+It is a very thorough search indeed\.$/);
    expect(ping).toEqual({ name: "remote__ping", description: "Tool ping of the remote MCP server.", parameters: { type: "object", properties: {} } });
  });

  it("are left out, with a log line, when the URL does not answer", async () => {
    const logger = recordingLogger();
    const { entries } = logger;
    const servers = await connectMcpServers([{ name: "gone", url: "http://127.0.0.1:9/mcp", risk: "exec" }], { logger });
    cleanups.push(() => servers.close());
    expect(servers.tools).toEqual([]);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: "warn", message: 'MCP server "gone" could not be reached; its tools are left out' }),
    );
  });
});
