import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { ToolContext } from "../../../agents/tools/tool.ts";

export interface TestContext extends ToolContext {
  statuses: string[];
}

const made: string[] = [];

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary folder that holds the workspace (at `<dir>/workspace`, not created yet). */
export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pincer-tools-"));
  made.push(dir);
  return dir;
}

export function toolContext(workspaceDir: string, signal = new AbortController().signal): TestContext {
  const statuses: string[] = [];
  return { signal, workspaceDir, statuses, reportStatus: (text) => statuses.push(text) };
}
