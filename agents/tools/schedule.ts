import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";

const parameters = z.object({
  action: z.enum(["create", "list", "cancel"]),
  kind: z.enum(["in", "at", "every", "cron"]).optional(),
  when: z.string().max(100).optional(),
  prompt: z.string().max(4000).optional(),
  id: z.string().max(10).optional(),
});

export type ScheduleArgs = z.infer<typeof parameters>;

/** `schedule`: the chat's jobs (`/in`, `/at`, `/every`, `/cron`, `/jobs`, `/cancel`) for the model, with the same rules. */
export function createScheduleTool(): Tool<ScheduleArgs> {
  async function run(args: ScheduleArgs, context: ToolContext): Promise<ToolResult> {
    const jobs = context.jobs;
    if (!jobs) throw new BridgeError("unsupported", "Scheduled jobs are not available here.");
    switch (args.action) {
      case "list":
        return { text: await jobs.list(), artifacts: [] };
      case "cancel":
        if (!args.id) throw new BridgeError("bad-input", "cancel needs the job's id (from list).");
        return { text: await jobs.cancel(args.id), artifacts: [] };
      case "create":
        if (!args.kind || !args.when || !args.prompt) throw new BridgeError("bad-input", "create needs kind, when and prompt.");
        return { text: await jobs.create(args.kind, args.when, args.prompt), artifacts: [] };
    }
  }

  return {
    name: "schedule",
    description:
      "Run a prompt later in this chat. create: kind in|at|every|cron, when (20m, 09:30, 2026-12-24 18:00, 1d, or cron \"0 9 * * 1-5\"), prompt. list. cancel: id.",
    parameters,
    risk: "write",
    describeCall: (args) =>
      args.action === "create" ? `schedule ${args.kind ?? "?"} ${args.when ?? "?"}: ${args.prompt ?? ""}` : args.action === "cancel" ? `cancel job ${args.id ?? "?"}` : "list jobs",
    run,
  };
}
