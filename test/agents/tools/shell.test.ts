import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createShellTool, type ShellToolOptions } from "../../../agents/tools/shell.ts";
import { loadConfig } from "../../../core/config.ts";
import { BridgeError } from "../../../core/types/errors.ts";
import { scratchDir, toolContext } from "./context.ts";

/** Alive and not a zombie: a killed child whose parent died may linger unreaped when PID 1 does not reap. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const statPath = `/proc/${pid}/stat`;
  if (!existsSync(statPath)) return true;
  const state = readFileSync(statPath, "utf8").replace(/^.*\) /s, "")[0];
  return state !== "Z" && state !== "X";
}

async function waitUntil(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

async function setup(options: Partial<ShellToolOptions> = {}) {
  const workspaceDir = join(await scratchDir(), "workspace");
  return { shell: createShellTool({ env: { PATH: process.env.PATH }, ...options }), workspaceDir };
}

describe("shell", () => {
  it("runs the command in the workspace and reports the exit code and the output of both streams", async () => {
    const { shell, workspaceDir } = await setup();
    const context = toolContext(workspaceDir);
    const result = await shell.run({ command: "echo out; echo err >&2; pwd; exit 3" }, context);
    const [status, ...lines] = result.text.split("\n");
    expect(status).toBe("Exit code 3.");
    expect(lines).toContain("out");
    expect(lines).toContain("err");
    expect(lines.some((line) => line.endsWith("/workspace"))).toBe(true);
    expect(result.artifacts).toEqual([]);
  });

  it("says so when there is no output", async () => {
    const { shell, workspaceDir } = await setup();
    expect((await shell.run({ command: "true" }, toolContext(workspaceDir))).text).toBe("Exit code 0.\n(no output)");
  });

  it("describes the call as the command and its cwd", async () => {
    const { shell } = await setup();
    expect(shell.describeCall({ command: "ls -la" }, "/srv/ws")).toBe("$ ls -la  (in /srv/ws)");
  });

  it("kills a command that outlives its timeout, together with the children it spawned", async () => {
    const { shell, workspaceDir } = await setup();
    const startedAt = Date.now();
    const result = await shell.run({ command: "sleep 30 & echo child=$!; sleep 30", timeoutSec: 1 }, toolContext(workspaceDir));
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(result.text).toMatch(/^Timed out after 1 s/);
    const childPid = Number(/child=(\d+)/.exec(result.text)?.[1]);
    expect(childPid).toBeGreaterThan(0);
    expect(await waitUntil(() => !isRunning(childPid))).toBe(true);
  });

  it("follows SIGTERM with SIGKILL for processes that ignore it", async () => {
    const { shell, workspaceDir } = await setup({ killGraceMs: 200 });
    const command = `sh -c 'trap "" TERM; echo stubborn=$$; while :; do sleep 0.1; done' & wait`;
    const result = await shell.run({ command, timeoutSec: 1 }, toolContext(workspaceDir));
    const stubbornPid = Number(/stubborn=(\d+)/.exec(result.text)?.[1]);
    expect(stubbornPid).toBeGreaterThan(0);
    expect(await waitUntil(() => !isRunning(stubbornPid))).toBe(true);
  });

  it("stops at once when the run is aborted, killing the process group", async () => {
    const { shell, workspaceDir } = await setup();
    const controller = new AbortController();
    const context = toolContext(workspaceDir, controller.signal);
    const running = shell.run({ command: "sleep 30 & echo child=$!; sleep 30" }, context);
    expect(await waitUntil(() => context.statuses.length > 0)).toBe(true);
    const childPid = Number(/child=(\d+)/.exec(context.statuses[0]!)?.[1]);
    const startedAt = Date.now();
    controller.abort();
    const error = await running.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe("aborted");
    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(await waitUntil(() => !isRunning(childPid))).toBe(true);
  });

  it("refuses to start when the run is already aborted", async () => {
    const { shell, workspaceDir } = await setup();
    const controller = new AbortController();
    controller.abort();
    await expect(shell.run({ command: "touch ran" }, toolContext(workspaceDir, controller.signal))).rejects.toThrow("Stopped.");
    expect(existsSync(join(workspaceDir, "ran"))).toBe(false);
  });

  it("trims long output head and tail and attaches the whole of it as a file", async () => {
    const { shell, workspaceDir } = await setup();
    const result = await shell.run({ command: "seq 1 20000; echo done >&2" }, toolContext(workspaceDir));
    const full = `${Array.from({ length: 20000 }, (_, index) => index + 1).join("\n")}\ndone\n`;
    expect(result.text.length).toBeLessThan(4400);
    expect(result.text.startsWith("Exit code 0.\n1\n2\n3\n")).toBe(true);
    expect(result.text.endsWith("19999\n20000\ndone\n")).toBe(true);
    const cutChars = full.length - 4000;
    expect(result.text).toContain(`[${cutChars.toLocaleString("en-US")} characters cut; full output in .pincer/outputs/`);

    expect(result.artifacts).toHaveLength(1);
    const [part] = result.artifacts;
    if (part?.type !== "file") throw new Error("expected a file part");
    expect(part.media.platform).toBe("local");
    expect(part.media.mimeType).toBe("text/plain");
    expect(part.media.id.startsWith(join(workspaceDir, ".pincer", "outputs"))).toBe(true);
    expect(part.media.fileName).toMatch(/^shell-.*\.txt$/);
    expect(await readFile(part.media.id, "utf8")).toBe(full);
  });

  it("keeps multi-byte characters whole across chunks", async () => {
    const { shell, workspaceDir } = await setup();
    const result = await shell.run({ command: "for i in $(seq 1 300); do printf '你好世界'; done" }, toolContext(workspaceDir));
    expect(result.text).not.toContain("\uFFFD");
  });

  it("reports the last non-empty output line as a status, at most about once a second", async () => {
    const { shell, workspaceDir } = await setup({ statusIntervalMs: 300 });
    const context = toolContext(workspaceDir);
    const startedAt = Date.now();
    await shell.run({ command: "for i in $(seq 1 40); do echo step $i; echo; sleep 0.025; done; sleep 0.4" }, context);
    const elapsedMs = Date.now() - startedAt;
    expect(context.statuses.length).toBeGreaterThanOrEqual(2);
    expect(context.statuses.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 300) + 1);
    expect(context.statuses.every((status) => /^step \d+$/.test(status))).toBe(true);
    expect(context.statuses.at(-1)).toBe("step 40");
  });

  it("leaves the gateway's secrets out of the commands' environment", async () => {
    const env = loadConfig({ PATH: "/bin", TELEGRAM_BOT_TOKEN: "123456:TEST-fake", OPENAI_API_KEY: "k", OPENAI_MODEL: "m", FEISHU_ENCRYPT_KEY: "e", HOME: "/h" }).commandEnv;
    expect(env).toEqual({ PATH: "/bin", HOME: "/h" });
    const { shell, workspaceDir } = await setup({ env: env });
    const result = await shell.run({ command: "env" }, toolContext(workspaceDir));
    expect(result.text).not.toContain("TELEGRAM_BOT_TOKEN");
    expect(result.text).toContain("TERM=dumb");
  });

  it("passes only allowlisted variables and those PINCER_CONFIG names: no database URL or cloud key", async () => {
    const file = join(await scratchDir(), "pincer.yaml");
    writeFileSync(file, "shellEnv: [GIT_AUTHOR_NAME]\n");
    const env = loadConfig({
      PATH: "/bin",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      TZ: "UTC",
      PINCER_CONFIG: file,
      GIT_AUTHOR_NAME: "Fake Person",
      DATABASE_URL: "postgres://fake:fake-password@127.0.0.1/pincer",
      AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKE",
      GOOGLE_APPLICATION_CREDENTIALS: "/fake/creds.json",
      PINCER_METRICS_TOKEN: "fake-metrics-token",
    }).commandEnv;
    expect(env).toEqual({ PATH: "/bin", LANG: "C.UTF-8", LC_ALL: "C.UTF-8", TZ: "UTC", GIT_AUTHOR_NAME: "Fake Person" });
  });

  it("returns when the command exits even if a background process keeps its output open", async () => {
    const { shell, workspaceDir } = await setup();
    const startedAt = Date.now();
    const result = await shell.run({ command: "sleep 3 & echo started" }, toolContext(workspaceDir));
    expect(result.text).toBe("Exit code 0.\nstarted\n");
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });
});
