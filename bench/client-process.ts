/**
 * The load client's own process, so the gateway's process pays only for the gateway:
 * `process.cpuUsage()` in the bench process then counts server work alone.
 * Started by `client-link.ts`; ends when the bench process disconnects.
 */
import { runLoad, type LoadLimits, type LoadPlan, type LoadResult, type Target } from "./load-client.ts";

export interface RunRequest {
  id: number;
  target: Target;
  plan: LoadPlan;
  tag: string;
  limits: LoadLimits;
}

export type RunAnswer = { id: number; type: "result"; result: LoadResult } | { id: number; type: "error"; message: string };

if (process.send) {
  process.on("message", (request: RunRequest) => {
    runLoad(request.target, request.plan, request.tag, request.limits).then(
      (result) => process.send!({ id: request.id, type: "result", result } satisfies RunAnswer),
      (error: unknown) => process.send!({ id: request.id, type: "error", message: String(error) } satisfies RunAnswer),
    );
  });
}
