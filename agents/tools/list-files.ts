import { lstat, readdir, readlink } from "node:fs/promises";
import { join, relative } from "node:path";
import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import { formatBytes } from "./text.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { displayPath, resolveInWorkspace, statOrRefuse, workspacePath, workspaceRoot } from "./workspace.ts";

const parameters = z.object({
  path: z.string().optional(),
  depth: z.number().int().min(1).max(5).optional(),
});

export type ListFilesArgs = z.infer<typeof parameters>;

export interface ListFilesToolOptions {
  maxEntries?: number;
}

/** Listed, but never walked into: they are large and rarely what the question is about. */
const unexpanded = new Set([".git", "node_modules"]);

interface Entry {
  /** Relative to the listed folder, `/`-separated. */
  path: string;
  line: string;
}

/** `list_files`: a folder's entries with sizes, folders marked with `/`, walked breadth-first to a depth. */
export function createListFilesTool(options: ListFilesToolOptions = {}): Tool<ListFilesArgs> {
  const maxEntries = options.maxEntries ?? 200;

  async function run(args: ListFilesArgs, context: ToolContext): Promise<ToolResult> {
    const base = await resolveInWorkspace(context.workspaceDir, args.path ?? ".");
    const shown = displayPath(await workspaceRoot(context.workspaceDir), base);
    const stats = await statOrRefuse(base, shown);
    if (!stats.isDirectory()) throw new BridgeError("bad-input", `${shown} is a file (${formatBytes(stats.size)}); use read_file.`);

    const depth = args.depth ?? 1;
    const entries: Entry[] = [];
    let isCut = false;
    let level = [base];
    for (let current = 1; current <= depth && level.length > 0 && !isCut; current += 1) {
      const next: string[] = [];
      for (const folder of level) {
        if (context.signal.aborted) throw new BridgeError("aborted", "Stopped.");
        const children = await readdir(folder, { withFileTypes: true }).catch(() => []);
        children.sort((a, b) => a.name.localeCompare(b.name));
        for (const child of children) {
          if (entries.length >= maxEntries) {
            isCut = true;
            break;
          }
          const full = join(folder, child.name);
          const path = relative(base, full).split("\\").join("/");
          if (child.isSymbolicLink()) {
            const target = await readlink(full).catch(() => "?");
            entries.push({ path, line: `${path} -> ${target}` });
          } else if (child.isDirectory()) {
            const isSkipped = unexpanded.has(child.name) && current < depth;
            entries.push({ path: `${path}/`, line: `${path}/${isSkipped ? "  (not expanded)" : ""}` });
            if (!isSkipped) next.push(full);
          } else {
            const size = await lstat(full).then((info) => formatBytes(info.size)).catch(() => "?");
            entries.push({ path, line: `${path}  ${size}` });
          }
        }
        if (isCut) break;
      }
      level = next;
    }

    if (entries.length === 0) return { text: `${shown}/ is empty.`, artifacts: [] };
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const lines = entries.map((entry) => entry.line);
    if (isCut) lines.push(`… [stopped at ${maxEntries} entries; list a subfolder for more]`);
    return { text: lines.join("\n"), artifacts: [] };
  }

  return {
    name: "list_files",
    description: "List a workspace folder (default root, depth 1) with sizes.",
    parameters,
    risk: "read",
    describeCall: (args, workspaceDir) =>
      `list ${workspacePath(workspaceDir, args.path ?? ".")}${args.depth ? ` (depth ${args.depth})` : ""}`,
    run,
  };
}
