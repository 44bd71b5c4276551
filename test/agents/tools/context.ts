import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { ToolContext } from "../../../agents/tools/tool.ts";

export interface TestContext extends ToolContext {
  statuses: string[];
  approvals: string[];
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

/** A tool's context; a further approval (a redirect to another site) is answered by `isApproved`, and recorded. */
export function toolContext(workspaceDir: string, signal = new AbortController().signal, isApproved = false): TestContext {
  const statuses: string[] = [];
  const approvals: string[] = [];
  return {
    signal,
    workspaceDir,
    statuses,
    approvals,
    reportStatus: (text) => statuses.push(text),
    requestApproval: async (summary) => {
      approvals.push(summary);
      return { isApproved, decidedBy: "web:tester" };
    },
  };
}
