import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { displayPath, resolveInWorkspace, workspacePath, workspaceRoot } from "./workspace.ts";

const parameters = z.object({
  path: z.string(),
  content: z.string(),
});

export type WriteFileArgs = z.infer<typeof parameters>;

const previewChars = 300;

/** The first lines of what will be written, so whoever approves sees more than a byte count. */
function preview(content: string): string {
  const lines = content.split("\n").slice(0, 5).join("\n");
  const shown = lines.length > previewChars ? lines.slice(0, previewChars) : lines;
  return shown.length < content.length ? `${shown}\n…` : shown;
}

/** `write_file`: creates or replaces a workspace file, making its folders as needed. */
export function createWriteFileTool(): Tool<WriteFileArgs> {
  async function run(args: WriteFileArgs, context: ToolContext): Promise<ToolResult> {
    const path = await resolveInWorkspace(context.workspaceDir, args.path);
    const shown = displayPath(await workspaceRoot(context.workspaceDir), path);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new BridgeError("bad-input", `${shown} is a directory.`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, args.content, { encoding: "utf8", signal: context.signal });
    const sizeBytes = Buffer.byteLength(args.content, "utf8");
    return { text: `Wrote ${sizeBytes} bytes to ${shown}${existing ? " (replaced)" : " (new file)"}.`, artifacts: [] };
  }

  return {
    name: "write_file",
    description: "Create or overwrite a text file in the workspace.",
    parameters,
    risk: "write",
    describeCall: (args, workspaceDir) => {
      const sizeBytes = Buffer.byteLength(args.content, "utf8");
      const head = `write ${workspacePath(workspaceDir, args.path)}  (${sizeBytes} bytes)`;
      return args.content ? `${head}\n${preview(args.content)}` : head;
    },
    fileArguments: ["content"],
    run,
  };
}
