import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBoundedOutput } from "../../../agents/acp/terminal-output.ts";
import { createTerminals } from "../../../agents/acp/terminals.ts";
import { createLineTail } from "../../../agents/acp/stderr-tail.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "pincer-acp-terminals-"));
  dirs.push(dir);
  return dir;
};

describe("bounded terminal output", () => {
  it("drops the oldest bytes and never starts inside a character", () => {
    const output = createBoundedOutput(4);
    output.append(Buffer.from("abcé"));
    output.append(Buffer.from("😀z"));
    expect(output.isTruncated()).toBe(true);
    expect(output.text()).toBe("z");
    const short = createBoundedOutput(100);
    short.append(Buffer.from("héllo"));
    expect([short.text(), short.isTruncated()]).toEqual(["héllo", false]);
  });
});

describe("terminals", () => {
  it("refuses a working directory outside the agent's", async () => {
    const terminals = createTerminals({ cwd: join(scratch(), "work"), env: {} });
    await expect(terminals.create({ sessionId: "s", command: "pwd", cwd: "/" })).rejects.toThrow(/outside the workspace/);
  });

  it("kills a running command with its children, and forgets a released terminal", async () => {
    const terminals = createTerminals({ cwd: scratch(), env: { PATH: "/usr/bin:/bin" }, killGraceMs: 200 });
    const { terminalId } = await terminals.create({ sessionId: "s", command: "sleep 30 & sleep 30; echo never" });
    const ref = { sessionId: "s", terminalId };
    expect(terminals.output(ref).exitStatus).toBeNull();
    terminals.kill(ref);
    const exit = await terminals.waitForExit(ref, new AbortController().signal);
    expect(exit.signal).toBe("SIGTERM");
    expect(terminals.output(ref).output).toBe("");
    terminals.release(ref);
    expect(() => terminals.output(ref)).toThrow(/Resource not found/);
  });

  it("belongs to the session that created it", async () => {
    const terminals = createTerminals({ cwd: scratch(), env: {} });
    const { terminalId } = await terminals.create({ sessionId: "s", command: "true" });
    expect(() => terminals.output({ sessionId: "other", terminalId })).toThrow(/Resource not found/);
    terminals.closeAll();
  });
});

describe("the stderr tail", () => {
  it("keeps the last lines, joined across chunks", () => {
    const tail = createLineTail(2, 10);
    tail.push("one\ntw");
    tail.push("o\nthree is long enough\nfour");
    expect(tail.lines()).toEqual(["three is …", "four"]);
  });
});
