import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { route } from "../../core/router.ts";

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "pincer-config-")), "pincer.yaml");
  writeFileSync(path, yaml);
  return path;
}

const model = { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_MODEL: "gpt-4o-mini" };

describe("PINCER_CONFIG routing", () => {
  it("binds conversations to agents, first match wins, with ${ENV} substituted", () => {
    const path = configFile(`
agents:
  coder:
    command: node "\${CODER_SCRIPT}" --acp
    cwd: /tmp
bindings:
  - match: { platform: telegram, chatId: "42" }
    agent: coder
  - match: { platform: telegram }
    agent: llm
    model: gpt-4o
    instructions: Answer in French.
    tools: read
    knowledge: [handbook]
defaultAgent: builtin
`);
    const config = loadConfig({ ...model, PINCER_CONFIG: path, CODER_SCRIPT: "/opt/coder agent.js" });
    expect(config.acpAgents.coder).toEqual({ command: ["node", "/opt/coder agent.js", "--acp"], cwd: "/tmp", env: {} });
    const chat = (chatId: string, platform = "telegram") => ({ platform, chatId, kind: "direct" as const });
    const plain = { instructions: undefined, tools: "all", autoApprove: [], knowledge: ["default"] };
    expect(route(config.routing, chat("42"), "telegram:42")).toEqual({ agent: "coder", model: undefined, ...plain });
    expect(route(config.routing, chat("7"), "telegram:7")).toEqual({ agent: "llm", model: "gpt-4o", instructions: "Answer in French.", tools: "read", autoApprove: [], knowledge: ["handbook"] });
    expect(route(config.routing, chat("7", "slack"), "slack:7")).toEqual({ agent: "builtin", model: undefined, ...plain });
    expect(route(config.routing, chat("7"), "telegram:7", { agent: "builtin" })).toEqual({ agent: "builtin", model: undefined, instructions: undefined, tools: "read", autoApprove: [], knowledge: ["handbook"] });
  });

  it("refuses a binding to an agent that does not exist, naming the place and the agents there are", () => {
    const path = configFile(`bindings:\n  - match: { platform: slack }\n    agent: claude\n`);
    expect(() => loadConfig({ PINCER_CONFIG: path })).toThrow("PINCER_CONFIG: bindings.0.agent: there is no agent named claude (agents: builtin)");
  });

  it("refuses an unset ${VAR}, and an MCP server with neither command nor url", () => {
    expect(() => loadConfig({ PINCER_CONFIG: configFile("agents:\n  x:\n    command: ${NOPE}\n") })).toThrow("uses ${NOPE}, which is not set");
    expect(() => loadConfig({ PINCER_CONFIG: configFile("mcpServers:\n  notes:\n    risk: write\n") })).toThrow(
      "PINCER_CONFIG",
    );
  });

  it("reads MCP servers with their risk (default: exec, which asks)", () => {
    const path = configFile(`mcpServers:\n  notes:\n    command: node notes.js\n  web:\n    url: http://127.0.0.1:3000/mcp\n    risk: network\n`);
    expect(loadConfig({ PINCER_CONFIG: path }).mcpServers).toEqual([
      { name: "notes", risk: "exec", command: ["node", "notes.js"] },
      { name: "web", risk: "network", url: "http://127.0.0.1:3000/mcp" },
    ]);
  });

  it("splits ACP_AGENT_COMMAND like a shell, and refuses shell operators", () => {
    expect(loadConfig({ ACP_AGENT_COMMAND: `gemini --experimental-acp --model "gemini 2.5"` })).toMatchObject({
      defaultAgent: "acp",
      acpAgents: { acp: { command: ["gemini", "--experimental-acp", "--model", "gemini 2.5"] } },
    });
    expect(() => loadConfig({ ACP_AGENT_COMMAND: "agent | tee log" })).toThrow("ACP_AGENT_COMMAND: expected a command line");
  });

  it("makes the LLM agent the default once a model is configured, and keeps builtin routable", () => {
    expect(loadConfig(model).defaultAgent).toBe("llm");
    expect(loadConfig({ ...model, PINCER_AGENT: "builtin" }).defaultAgent).toBe("builtin");
    expect(() => loadConfig({ PINCER_AGENT: "llm" })).toThrow("OPENAI_BASE_URL: required when PINCER_AGENT is llm");
  });
});
