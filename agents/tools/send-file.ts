import { basename } from "node:path";
import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { isInlineImage, mimeTypeOf } from "./mime.ts";
import { formatBytes } from "./text.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { displayPath, resolveInWorkspace, statOrRefuse, workspacePath, workspaceRoot } from "./workspace.ts";

const parameters = z.object({
  path: z.string(),
  caption: z.string().optional(),
});

export type SendFileArgs = z.infer<typeof parameters>;

export interface SendFileToolOptions {
  /** MEDIA_MAX_BYTES: a larger file is refused from its size alone, never read. */
  maxBytes?: number;
}

/** `send_file`: a workspace file goes to the chat, as an image when its extension says it is one. */
export function createSendFileTool(options: SendFileToolOptions = {}): Tool<SendFileArgs> {
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;

  async function run(args: SendFileArgs, context: ToolContext): Promise<ToolResult> {
    const path = await resolveInWorkspace(context.workspaceDir, args.path);
    const shown = displayPath(await workspaceRoot(context.workspaceDir), path);
    const stats = await statOrRefuse(path, shown);
    if (!stats.isFile()) throw new BridgeError("bad-input", `${shown} is not a file.`);
    if (stats.size > maxBytes) {
      throw new BridgeError("bad-input", `${shown} is too large to send (${formatBytes(stats.size)}; the limit is ${formatBytes(maxBytes)}).`);
    }
    const fileName = basename(path);
    const mimeType = mimeTypeOf(fileName);
    const media = { platform: "local", id: path, fileName, mimeType, sizeBytes: stats.size };
    const caption = args.caption ? { caption: args.caption } : {};
    const isImage = isInlineImage(mimeType);
    const part: ReplyPart = isImage ? { type: "image", media, ...caption } : { type: "file", media, ...caption };
    const text = `Sent ${shown} (${formatBytes(stats.size)}) to the chat as ${isImage ? "an image" : "a file"}.`;
    return { text, artifacts: [part] };
  }

  return {
    name: "send_file",
    description: "Send a workspace file to the user in the chat.",
    parameters,
    risk: "read",
    describeCall: (args, workspaceDir) => `send ${workspacePath(workspaceDir, args.path)}`,
    run,
  };
}
