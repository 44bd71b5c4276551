import { mkdir, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createListFilesTool } from "../../../agents/tools/list-files.ts";
import { createReadFileTool } from "../../../agents/tools/read-file.ts";
import { createSendFileTool } from "../../../agents/tools/send-file.ts";
import { createWriteFileTool } from "../../../agents/tools/write-file.ts";
import { scratchDir, toolContext } from "./context.ts";

const readFileTool = createReadFileTool();
const writeFileTool = createWriteFileTool();
const listFilesTool = createListFilesTool();
const sendFileTool = createSendFileTool();

async function workspace() {
  const workspaceDir = join(await scratchDir(), "workspace");
  return { workspaceDir, context: toolContext(workspaceDir) };
}

describe("write_file, read_file and list_files", () => {
  it("round-trips a file written into new folders, and lists it with its size", async () => {
    const { workspaceDir, context } = await workspace();
    const content = "hello\nworld ✓\n";
    const written = await writeFileTool.run({ path: "notes/today/todo.md", content }, context);
    expect(written.text).toBe("Wrote 16 bytes to notes/today/todo.md (new file).");
    expect(await readFile(join(workspaceDir, "notes/today/todo.md"), "utf8")).toBe(content);
    expect((await readFileTool.run({ path: "notes/today/todo.md" }, context)).text).toBe("hello\nworld ✓");

    const again = await writeFileTool.run({ path: "notes/today/todo.md", content: "x" }, context);
    expect(again.text).toContain("(replaced)");

    expect((await listFilesTool.run({}, context)).text).toBe("notes/");
    expect((await listFilesTool.run({ path: "notes", depth: 2 }, context)).text).toBe("today/\ntoday/todo.md  1 B");
  });

  it("describes a write by its full path, byte count and first lines", async () => {
    const described = writeFileTool.describeCall({ path: "a/b.txt", content: "één\ntwee" }, "/srv/ws");
    expect(described).toBe("write /srv/ws/a/b.txt  (10 bytes)\néén\ntwee");
  });

  it("refuses to write over a folder", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(join(workspaceDir, "dir"), { recursive: true });
    await expect(writeFileTool.run({ path: "dir", content: "x" }, context)).rejects.toThrow("dir is a directory");
  });
});

describe("read_file", () => {
  it("reads a range of lines", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(workspaceDir, { recursive: true });
    await writeFile(join(workspaceDir, "n.txt"), Array.from({ length: 100 }, (_, index) => `line ${index + 1}`).join("\n"));
    expect((await readFileTool.run({ path: "n.txt", fromLine: 10, toLine: 12 }, context)).text).toBe("line 10\nline 11\nline 12");
    expect((await readFileTool.run({ path: "n.txt", fromLine: 99 }, context)).text).toBe("line 99\nline 100");
    expect((await readFileTool.run({ path: "n.txt", fromLine: 500 }, context)).text).toBe("n.txt has only 100 lines.");
  });

  it("caps what it returns and says where to continue", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(workspaceDir, { recursive: true });
    const lines = Array.from({ length: 5000 }, (_, index) => `row ${String(index + 1).padStart(5, "0")}`);
    await writeFile(join(workspaceDir, "big.txt"), lines.join("\n"));
    const result = await readFileTool.run({ path: "big.txt" }, context);
    expect(result.text.length).toBeLessThan(20_100);
    const next = Number(/continue with fromLine=(\d+)/.exec(result.text)?.[1]);
    expect(result.text).toContain(`row ${String(next - 1).padStart(5, "0")}\n… [cut at 20,000 characters`);
    const rest = await readFileTool.run({ path: "big.txt", fromLine: next, toLine: next }, context);
    expect(rest.text).toBe(`row ${String(next).padStart(5, "0")}`);
  });

  it("cuts a single enormous line and continues after it", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(workspaceDir, { recursive: true });
    await writeFile(join(workspaceDir, "min.js"), `${"x".repeat(50_000)}\nsecond`);
    const result = await readFileTool.run({ path: "min.js" }, context);
    expect(result.text).toContain("continue with fromLine=2");
    expect((await readFileTool.run({ path: "min.js", fromLine: 2 }, context)).text).toBe("second");
  });

  it("politely declines binary files", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(workspaceDir, { recursive: true });
    await writeFile(join(workspaceDir, "img.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const result = await readFileTool.run({ path: "img.png" }, context);
    expect(result.text).toBe("img.png is a binary file (12 B); read_file reads text only. send_file can send it to the chat.");
  });

  it("says plainly when a file is missing or is a folder", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(join(workspaceDir, "sub"), { recursive: true });
    await expect(readFileTool.run({ path: "nope.txt" }, context)).rejects.toThrow("No such file or directory: nope.txt");
    await expect(readFileTool.run({ path: "sub" }, context)).rejects.toThrow("sub is a directory; use list_files.");
  });
});

describe("list_files", () => {
  it("walks to the requested depth, marks folders and links, and leaves .git unexpanded", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(join(workspaceDir, "src/deep/deeper"), { recursive: true });
    await mkdir(join(workspaceDir, ".git/objects"), { recursive: true });
    await writeFile(join(workspaceDir, "src/index.ts"), "x".repeat(2048));
    await writeFile(join(workspaceDir, "src/deep/deeper/leaf.txt"), "leaf");
    const { symlink } = await import("node:fs/promises");
    await symlink("src/index.ts", join(workspaceDir, "main.ts"));
    const result = await listFilesTool.run({ depth: 2 }, context);
    expect(result.text.split("\n")).toEqual([".git/  (not expanded)", "main.ts -> src/index.ts", "src/", "src/deep/", "src/index.ts  2.0 KB"]);
  });

  it("stops at the entry cap and says so", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(workspaceDir, { recursive: true });
    await Promise.all(Array.from({ length: 30 }, (_, index) => writeFile(join(workspaceDir, `f${index}.txt`), "")));
    const result = await createListFilesTool({ maxEntries: 10 }).run({}, context);
    const lines = result.text.split("\n");
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe("… [stopped at 10 entries; list a subfolder for more]");
  });

  it("reports an empty workspace", async () => {
    const { context } = await workspace();
    expect((await listFilesTool.run({}, context)).text).toBe("./ is empty.");
  });
});

describe("send_file", () => {
  it("sends an image as an image and anything else as a file, by local path", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(join(workspaceDir, "out"), { recursive: true });
    await writeFile(join(workspaceDir, "out/chart.PNG"), Buffer.from([1, 2, 3]));
    await writeFile(join(workspaceDir, "out/report.pdf"), "%PDF");

    const image = await sendFileTool.run({ path: "out/chart.PNG", caption: "Sales" }, context);
    expect(image.artifacts).toEqual([
      {
        type: "image",
        caption: "Sales",
        media: { platform: "local", id: join(workspaceDir, "out/chart.PNG"), fileName: "chart.PNG", mimeType: "image/png", sizeBytes: 3 },
      },
    ]);
    expect(image.text).toBe("Sent out/chart.PNG (3 B) to the chat as an image.");

    const file = await sendFileTool.run({ path: "out/report.pdf" }, context);
    expect(file.artifacts[0]).toMatchObject({ type: "file", media: { mimeType: "application/pdf", fileName: "report.pdf" } });
  });

  it("refuses a file above the limit from its size, without reading it", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(workspaceDir, { recursive: true });
    // Sparse: 3 GB on paper, nothing on disk; reading it would take seconds and fail past Node's 2 GB buffer limit.
    await writeFile(join(workspaceDir, "huge.bin"), "");
    await truncate(join(workspaceDir, "huge.bin"), 3 * 1024 ** 3);
    await expect(sendFileTool.run({ path: "huge.bin" }, context)).rejects.toThrow("huge.bin is too large to send (3.0 GB; the limit is 20 MB).");
    const small = createSendFileTool({ maxBytes: 4 });
    await writeFile(join(workspaceDir, "four.txt"), "1234");
    await writeFile(join(workspaceDir, "five.txt"), "12345");
    expect((await small.run({ path: "four.txt" }, context)).artifacts).toHaveLength(1);
    await expect(small.run({ path: "five.txt" }, context)).rejects.toThrow("five.txt is too large to send (5 B; the limit is 4 B).");
  });

  it("refuses folders and missing files", async () => {
    const { workspaceDir, context } = await workspace();
    await mkdir(join(workspaceDir, "out"), { recursive: true });
    await expect(sendFileTool.run({ path: "out" }, context)).rejects.toThrow("out is not a file.");
    await expect(sendFileTool.run({ path: "gone.png" }, context)).rejects.toThrow("No such file");
  });
});
