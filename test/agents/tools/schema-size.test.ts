import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createTools, toolSpec } from "../../../agents/tools/index.ts";

/**
 * The tool definitions ride along on every model call, so their size is a running cost.
 * Measured when written: 1,931 characters as `z.toJSONSchema` gives them, 1,415 as `toolSpec`
 * sends them (about 330 tokens with o200k); the bounds leave a little room, not a lot.
 */
describe("the tools' prompt footprint", () => {
  const tools = createTools({ shell: { env: {} } });

  it("has the six tools, named as the design says, in a fixed order", () => {
    expect(tools.map((tool) => tool.name)).toEqual(["shell", "read_file", "write_file", "list_files", "http_fetch", "send_file"]);
  });

  it("keeps names, descriptions and JSON schemas under 2,000 characters", () => {
    const raw = JSON.stringify(
      tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: z.toJSONSchema(tool.parameters) })),
    );
    expect(raw.length).toBeLessThan(2000);
  });

  it("keeps what a model is sent under 1,500 characters", () => {
    const sent = JSON.stringify(tools.map(toolSpec));
    expect(sent.length).toBeLessThan(1500);
    expect(sent).not.toContain("$schema");
  });

  it("gives shell exactly one required string argument, command", () => {
    const shell = toolSpec(tools[0]!);
    expect(shell.parameters).toMatchObject({ required: ["command"], properties: { command: { type: "string" } } });
  });

  it("keeps each description to one short sentence or two", () => {
    for (const tool of tools) expect(tool.description.length, tool.name).toBeLessThanOrEqual(100);
  });
});
