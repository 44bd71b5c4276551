import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import { formatBytes } from "./text.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { displayPath, resolveInWorkspace, statOrRefuse, workspacePath, workspaceRoot } from "./workspace.ts";

/** Bounds line numbers; zod would otherwise spell out MAX_SAFE_INTEGER in the schema. */
const maxLine = 1e9;

const parameters = z.object({
  path: z.string(),
  fromLine: z.number().int().min(1).max(maxLine).optional(),
  toLine: z.number().int().min(1).max(maxLine).optional(),
});

export type ReadFileArgs = z.infer<typeof parameters>;

export interface ReadFileToolOptions {
  maxChars?: number;
}

const sniffBytes = 8192;

/** Text or not, judged on the first bytes: a NUL byte or invalid UTF-8 means binary. */
async function isBinaryFile(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(sniffBytes);
    const { bytesRead } = await handle.read(buffer, 0, sniffBytes, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.includes(0)) return true;
    try {
      // `stream: true` tolerates a character cut off at the end of the sample.
      new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
      return false;
    } catch {
      return true;
    }
  } finally {
    await handle.close();
  }
}

/** `read_file`: a text file of the workspace, or a range of its lines, capped. */
export function createReadFileTool(options: ReadFileToolOptions = {}): Tool<ReadFileArgs> {
  const maxChars = options.maxChars ?? 20_000;

  async function run(args: ReadFileArgs, context: ToolContext): Promise<ToolResult> {
    const path = await resolveInWorkspace(context.workspaceDir, args.path);
    const shown = displayPath(await workspaceRoot(context.workspaceDir), path);
    const stats = await statOrRefuse(path, shown);
    if (stats.isDirectory()) throw new BridgeError("bad-input", `${shown} is a directory; use list_files.`);
    if (!stats.isFile()) throw new BridgeError("bad-input", `${shown} is not a regular file.`);
    if (await isBinaryFile(path)) {
      const text = `${shown} is a binary file (${formatBytes(stats.size)}); read_file reads text only. send_file can send it to the chat.`;
      return { text, artifacts: [] };
    }

    const fromLine = args.fromLine ?? 1;
    const toLine = args.toLine ?? Number.POSITIVE_INFINITY;
    const lines: string[] = [];
    let chars = 0;
    let lineNumber = 0;
    let cutAtLine: number | undefined;
    let isPastEnd = false;
    const input = createReadStream(path, { encoding: "utf8" });
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of reader) {
        if (context.signal.aborted) throw new BridgeError("aborted", "Stopped.");
        lineNumber += 1;
        if (lineNumber < fromLine) continue;
        if (lineNumber > toLine) {
          isPastEnd = true;
          break;
        }
        if (chars + line.length + 1 > maxChars) {
          // A single line longer than the cap is shown cut, and the next read starts after it.
          const isLineCut = lines.length === 0;
          if (isLineCut) lines.push(line.slice(0, maxChars));
          cutAtLine = isLineCut ? lineNumber + 1 : lineNumber;
          break;
        }
        lines.push(line);
        chars += line.length + 1;
      }
    } finally {
      reader.close();
      input.destroy();
    }

    if (lineNumber < fromLine && !isPastEnd) {
      const text = lineNumber === 0 ? `${shown} is empty.` : `${shown} has only ${lineNumber} lines.`;
      return { text, artifacts: [] };
    }
    let text = lines.join("\n");
    if (cutAtLine !== undefined) {
      text += `\n… [cut at ${maxChars.toLocaleString("en-US")} characters; continue with fromLine=${cutAtLine}]`;
    }
    return { text, artifacts: [] };
  }

  return {
    name: "read_file",
    description: "Read a text file in the workspace, optionally only lines fromLine to toLine.",
    parameters,
    risk: "read",
    describeCall: (args, workspaceDir) => {
      const range = args.fromLine || args.toLine ? ` lines ${args.fromLine ?? 1}–${args.toLine ?? "end"}` : "";
      return `read ${workspacePath(workspaceDir, args.path)}${range}`;
    },
    run,
  };
}
