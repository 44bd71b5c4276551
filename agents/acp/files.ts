import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  RequestError,
  type ReadTextFileRequest,
  type ReadTextFileResponse,
  type WriteTextFileRequest,
  type WriteTextFileResponse,
} from "@agentclientprotocol/sdk";
import { BridgeError } from "../../core/types/errors.ts";
import { resolveInWorkspace } from "../tools/index.ts";

/** Larger files are refused: the agent reads them in slices (`line`, `limit`) or by other means. */
const maxReadBytes = 10 * 1024 * 1024;

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The path inside `cwd`, or a JSON-RPC error the agent can read ("Refused: … is outside the workspace."). */
async function confined(cwd: string, requested: string): Promise<string> {
  try {
    return await resolveInWorkspace(cwd, requested);
  } catch (error) {
    if (error instanceof BridgeError && error.code === "bad-input") throw RequestError.invalidParams({ path: requested }, error.message);
    throw error;
  }
}

/** `fs/read_text_file`, served inside the working directory only; `line` is 1-based. */
export async function readTextFile(cwd: string, params: ReadTextFileRequest): Promise<ReadTextFileResponse> {
  const path = await confined(cwd, params.path);
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw RequestError.invalidParams({ path: params.path }, `${params.path} is not a file.`);
    if (stats.size > maxReadBytes) {
      throw RequestError.invalidParams({ path: params.path }, `${params.path} is larger than ${maxReadBytes / 1024 / 1024} MB.`);
    }
    const content = await readFile(path, "utf8");
    if (params.line == null && params.limit == null) return { content };
    const start = Math.max((params.line ?? 1) - 1, 0);
    const lines = content.split("\n");
    const end = params.limit == null ? lines.length : start + Math.max(params.limit, 0);
    return { content: lines.slice(start, end).join("\n") };
  } catch (error) {
    if (errnoCode(error) === "ENOENT") throw RequestError.resourceNotFound(params.path);
    throw error;
  }
}

/** `fs/write_text_file`, inside the working directory only; missing parent directories are created. */
export async function writeTextFile(cwd: string, params: WriteTextFileRequest): Promise<WriteTextFileResponse> {
  const path = await confined(cwd, params.path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, params.content, "utf8");
  return {};
}
