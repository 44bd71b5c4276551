import { lstat, mkdir, readlink, realpath, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { BridgeError } from "../../core/types/errors.ts";

/** Symlink hops followed before giving up, as the kernel does (ELOOP). */
const maxLinkHops = 40;

function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot === "" || (fromRoot.split(sep)[0] !== ".." && !isAbsolute(fromRoot));
}

function outsideError(requested: string): BridgeError {
  return new BridgeError("bad-input", `Refused: ${requested} is outside the workspace.`);
}

/** Where `requested` lands by its spelling alone (no disk access): for describing a call before it runs. */
export function workspacePath(workspaceDir: string, requested: string): string {
  return resolve(workspaceDir, requested);
}

/** The path as the model should see it: relative to the workspace, `.` for the root. */
export function displayPath(workspaceDir: string, path: string): string {
  return relative(workspaceDir, path) || ".";
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The real path of `path`: its nearest existing ancestor resolved through every symlink, with the
 * part that does not exist yet appended. A dangling symlink is followed to where it points, so that
 * writing through it cannot create a file elsewhere.
 */
async function realPathOf(path: string): Promise<string> {
  let hops = 0;
  let pending = path;
  let tail: string[] = [];
  for (;;) {
    try {
      return join(await realpath(pending), ...tail);
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
    }
    const stats = await lstat(pending).catch((error: unknown) => {
      if (errorCode(error) === "ENOENT") return undefined;
      throw error;
    });
    if (stats?.isSymbolicLink()) {
      if (++hops > maxLinkHops) throw new BridgeError("bad-input", `Too many symbolic links in ${path}.`);
      pending = resolve(dirname(pending), await readlink(pending));
      continue;
    }
    const parent = dirname(pending);
    if (parent === pending) return join(pending, ...tail);
    tail = [basename(pending), ...tail];
    pending = parent;
  }
}

/**
 * Resolves `requested` (relative to the workspace, or absolute) to a real path inside the workspace,
 * creating the workspace if it is missing. Refuses `..` escapes, absolute paths elsewhere and
 * symlinks that lead out, with a BridgeError("bad-input") that says so.
 */
export async function resolveInWorkspace(workspaceDir: string, requested: string): Promise<string> {
  if (requested.includes("\0")) throw new BridgeError("bad-input", "Refused: the path contains a NUL byte.");
  const realRoot = await workspaceRoot(workspaceDir);
  const real = await realPathOf(resolve(workspaceDir, requested));
  if (!isInside(realRoot, real)) throw outsideError(requested);
  return real;
}

/** The workspace's own real path, created if missing: the cwd of commands and the base for display. */
export async function workspaceRoot(workspaceDir: string): Promise<string> {
  const root = resolve(workspaceDir);
  await mkdir(root, { recursive: true });
  return realpath(root);
}

/** `stat`, with a missing file turned into a plain "No such file" for the model. */
export async function statOrRefuse(path: string, shown: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") throw new BridgeError("bad-input", `No such file or directory: ${shown}`);
    throw error;
  }
}
