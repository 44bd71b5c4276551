import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface GatewayCounters {
  statements: Record<string, number>;
  cpuMs: number;
}

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  /** The SQL statements it sent to PostgreSQL since it served, by their first words, and the CPU time it used since. */
  counters(): Promise<GatewayCounters>;
}

/** The programs that speak this protocol: Pincer's gateway, and the bare forwarder the PostgreSQL bench compares it with. */
const scripts = {
  pincer: fileURLToPath(new URL("./gateway-process.ts", import.meta.url)),
  bare: fileURLToPath(new URL("./bare-postgres-forwarder.ts", import.meta.url)),
};
export type BenchProgram = keyof typeof scripts;

/** Starts `gateway-process.ts` (or `program`) with `env` (its own DATA_DIR under `tempDir`), resolved once it serves. */
export async function startGatewayProcess(env: Record<string, string>, tempDir: string, program: BenchProgram = "pincer"): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [scripts[program]], {
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", DATA_DIR: mkdtempSync(join(tempDir, "gw-")), ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const waitExit = async (timeoutMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  let output = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const found = /^ready (\S+)$/m.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.once("exit", () => reject(new Error(`a bench gateway exited before it served: ${output}`)));
  });
  return {
    child,
    url,
    async stop() {
      child.kill("SIGTERM");
      await waitExit(10_000);
    },
    async kill() {
      child.kill("SIGKILL");
      await waitExit(5_000);
    },
    async counters() {
      output = "";
      child.kill("SIGUSR2");
      for (;;) {
        const found = /^counters (.+)$/m.exec(output)?.[1];
        if (found) return JSON.parse(found) as GatewayCounters;
        await once(child.stdout!, "data");
      }
    },
  };
}
