/**
 * One gateway as its own process for the PostgreSQL bench (`postgres-scenario.ts`): the settings come from the
 * environment (as for `pincer start`), the built-in agent answers at once (as in the in-process bench), logs at warn
 * or above are counted, not printed. Prints `ready <url>` once it serves; SIGTERM stops it.
 */
import { createBuiltinAgent } from "../agents/builtin/index.ts";
import { loadConfig } from "../core/config.ts";
import { startGateway } from "../gateway/gateway.ts";
import { createLogTap } from "./log-tap.ts";

const logTap = createLogTap();
const gateway = await startGateway(loadConfig(), { agent: createBuiltinAgent({ deltaDelayMs: 0 }), logDestination: logTap.destination });
process.stdout.write(`ready ${gateway.url}\n`);
process.once("SIGTERM", () => {
  for (const line of logTap.kept.slice(0, 5)) process.stderr.write(`gateway ${process.pid} logged: ${line}\n`);
  void gateway.stop().finally(() => process.exit(0));
});
