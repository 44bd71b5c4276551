import { spawn, type ChildProcess } from "node:child_process";

export interface PincerProcess {
  child: ChildProcess;
  /** The web chat's address, without the `#token=` part. */
  url: string;
  /** The admin token, when this start printed it (the start that created it). */
  token: string | undefined;
  /** The two lines of the start banner. */
  lines: string[];
}

/**
 * Runs `pincer start` as its own process (so that it can really crash or take a signal) and resolves once it
 * printed its banner; `children` collects it for the test's cleanup.
 */
export async function startPincerProcess(env: Record<string, string>, children: ChildProcess[]): Promise<PincerProcess> {
  const child = spawn(process.execPath, ["bin/pincer.ts", "start"], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  // Read with a listener, not `for await`: leaving such a loop destroys the pipe, and the gateway's next line to
  // stdout (the setup hint, a log line) would then fail with EPIPE.
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const lines = output.split("\n");
      const link = /^Pincer is running at (\S+)$/.exec(lines[0] ?? "")?.[1];
      if (!link || lines.length < 3) return;
      child.stdout!.off("data", onData);
      child.stdout!.resume();
      const [url, token] = link.split("#token=") as [string, string | undefined];
      resolve({ child, url, token, lines: lines.slice(0, 2) });
    };
    child.stdout!.on("data", onData);
    child.once("exit", () => reject(new Error(`gateway exited before it was ready: ${output}`)));
  });
}
