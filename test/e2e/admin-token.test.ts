import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startPincerProcess } from "../support/pincer-process.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

describe("the first start without PINCER_ADMIN_TOKEN", () => {
  it("creates DATA_DIR/admin-token (0600, in a 0700 directory), prints the link with it once, and keeps it", async () => {
    const dataDir = join(tempDataDir(), "fresh");
    const first = await startPincerProcess({ DATA_DIR: dataDir }, children);
    const link = /^Pincer is running at (\S+)$/.exec(first.lines[0]!)![1]!;
    const [url, token] = link.split("#token=") as [string, string];
    expect(token).toMatch(/^[\w-]{32}$/);
    const path = join(dataDir, "admin-token");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(path, "utf8").trim()).toBe(token);
    expect((await fetch(`${url}api/web/history?conversationId=c1`)).status).toBe(401);
    expect((await fetch(`${url}api/web/history?conversationId=c1`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    first.child.kill("SIGKILL");

    const second = await startPincerProcess({ DATA_DIR: dataDir }, children);
    expect(second.lines[0]).toMatch(/^Pincer is running at http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(second.lines.join("\n")).not.toContain(token);
    expect(second.lines[1]).toContain(path);
    const again = second.lines[0]!.slice("Pincer is running at ".length);
    expect((await fetch(`${again}api/web/history?conversationId=c1`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("writes no token file when PINCER_ADMIN_TOKEN is set, and prints no token", async () => {
    const dataDir = tempDataDir();
    const started = await startPincerProcess({ DATA_DIR: dataDir, PINCER_ADMIN_TOKEN: "admin-token-for-tests-0123" }, children);
    expect(started.lines.join("\n")).not.toContain("admin-token-for-tests-0123");
    expect(existsSync(join(dataDir, "admin-token"))).toBe(false);
  });
});
