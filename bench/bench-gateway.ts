import { waitFor200 } from "./http-get.ts";
import { createLogTap } from "./log-tap.ts";

export interface GatewayStart {
  /** Loading the gateway's modules (first import in this process). */
  importMs: number;
  /** `startGateway` called to resolved. */
  startGatewayMs: number;
  /** `startGateway` called to the first /readyz 200. */
  readyMs: number;
}

/**
 * The real gateway, in this process, with the built-in agent answering at once, the SQLite store
 * in `dataDir` (its inbox committing with `inboxSynchronous`; each message's trace recorded unless `isTracing` is false), and logs at warn or above counted rather than printed; `env` adds settings (a channel).
 */
export async function startBenchGateway(dataDir: string, env: Record<string, string> = {}, inboxSynchronous: "FULL" | "NORMAL" = "FULL", isTracing = true) {
  const importStartedAt = performance.now();
  const [{ loadConfig }, { startGateway }, { createBuiltinAgent }] = await Promise.all([
    import("../core/config.ts"),
    import("../gateway/gateway.ts"),
    import("../agents/builtin/index.ts"),
  ]);
  const startedAt = performance.now();
  const logTap = createLogTap();
  const gateway = await startGateway(
    loadConfig({ ...env, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn" }),
    { agent: createBuiltinAgent({ deltaDelayMs: 0 }), logDestination: logTap.destination, storeOptions: { inboxSynchronous }, isTracing },
  );
  const startGatewayMs = performance.now() - startedAt;
  if (!(await waitFor200(`${gateway.url}readyz`, 100, 10))) {
    await gateway.stop();
    throw new Error("the gateway never answered /readyz with 200");
  }
  const start: GatewayStart = { importMs: startedAt - importStartedAt, startGatewayMs, readyMs: performance.now() - startedAt };
  return { gateway, logTap, start };
}
