import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTools } from "../../../agents/tools/index.ts";
import { resolveInWorkspace } from "../../../agents/tools/workspace.ts";
import { BridgeError } from "../../../core/types/errors.ts";
import { scratchDir, toolContext } from "./context.ts";

const tools = Object.fromEntries(createTools({ shell: { env: {} } }).map((tool) => [tool.name, tool]));

async function workspace() {
  const dir = await scratchDir();
  const workspaceDir = join(dir, "workspace");
  await mkdir(workspaceDir);
  return { dir, workspaceDir, context: toolContext(workspaceDir) };
}

async function refusal(promise: Promise<unknown>): Promise<BridgeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BridgeError);
  expect((error as BridgeError).code).toBe("bad-input");
  expect((error as BridgeError).message).toMatch(/outside the workspace/);
  return error as BridgeError;
}

describe("workspace confinement", () => {
  it.each(["../../etc/passwd", "/etc/passwd", "..", "a/../../outside.txt"])("refuses %s in every file tool", async (path) => {
    const { context } = await workspace();
    await refusal(tools.read_file!.run({ path }, context));
    await refusal(tools.write_file!.run({ path, content: "x" }, context));
    await refusal(tools.list_files!.run({ path }, context));
    await refusal(tools.send_file!.run({ path }, context));
  });

  it("refuses a symlink that points outside (a link to /etc)", async () => {
    const { workspaceDir, context } = await workspace();
    await symlink("/etc", join(workspaceDir, "etc"));
    await refusal(tools.read_file!.run({ path: "etc/passwd" }, context));
    await refusal(tools.list_files!.run({ path: "etc" }, context));
    await refusal(tools.write_file!.run({ path: "etc/pincer-test", content: "x" }, context));
  });

  it("refuses to write through a dangling symlink that leads outside, and creates nothing there", async () => {
    const { dir, workspaceDir, context } = await workspace();
    const target = join(dir, "escaped.txt");
    await symlink(target, join(workspaceDir, "trap.txt"));
    await refusal(tools.write_file!.run({ path: "trap.txt", content: "x" }, context));
    await expect(stat(target)).rejects.toThrow();
  });

  it("refuses a symlinked folder that leads out, even for new files below it", async () => {
    const { dir, workspaceDir, context } = await workspace();
    await mkdir(join(dir, "elsewhere"));
    await symlink(join(dir, "elsewhere"), join(workspaceDir, "out"));
    await refusal(tools.write_file!.run({ path: "out/new/deep.txt", content: "x" }, context));
    await expect(stat(join(dir, "elsewhere", "new"))).rejects.toThrow();
  });

  it("follows symlinks that stay inside, and takes absolute paths inside the workspace", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(join(workspaceDir, "real"));
    await writeFile(join(workspaceDir, "real", "note.txt"), "inside");
    await symlink("real", join(workspaceDir, "alias"));
    expect((await tools.read_file!.run({ path: "alias/note.txt" }, context)).text).toBe("inside");
    expect((await tools.read_file!.run({ path: join(workspaceDir, "real/note.txt") }, context)).text).toBe("inside");
  });

  it("takes names that merely start with two dots", async () => {
    const { context } = await workspace();
    await tools.write_file!.run({ path: "..notes.txt", content: "dots" }, context);
    expect((await tools.read_file!.run({ path: "..notes.txt" }, context)).text).toBe("dots");
  });

  it("creates the workspace when it is missing", async () => {
    const dir = await scratchDir();
    const workspaceDir = join(dir, "not", "yet");
    const resolved = await resolveInWorkspace(workspaceDir, "a.txt");
    expect((await stat(workspaceDir)).isDirectory()).toBe(true);
    expect(resolved.endsWith(join("not", "yet", "a.txt"))).toBe(true);
    await tools.write_file!.run({ path: "a.txt", content: "made" }, toolContext(workspaceDir));
    expect(await readFile(join(workspaceDir, "a.txt"), "utf8")).toBe("made");
  });

  it("works when the workspace itself is reached through a symlink", async () => {
    const { dir, workspaceDir } = await workspace();
    await symlink(workspaceDir, join(dir, "link"));
    const context = toolContext(join(dir, "link"));
    await tools.write_file!.run({ path: "x.txt", content: "via link" }, context);
    expect(await readFile(join(workspaceDir, "x.txt"), "utf8")).toBe("via link");
    await refusal(tools.read_file!.run({ path: "../workspace/../../x" }, context));
  });
});
