import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkReplyFile, readReplyMedia } from "../../../adapters/kit/local-media.ts";
import { BridgeError } from "../../../core/types/errors.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function scratch() {
  const dir = await mkdtemp(join(tmpdir(), "pincer-local-media-"));
  dirs.push(dir);
  return dir;
}
const notOwn = async () => {
  throw new Error("not the adapter's media");
};
const local = (path: string) => ({ platform: "local", id: path, fileName: "huge.bin" });

describe("reply media from this host", () => {
  it("refuses a file above the limit before reading it", async () => {
    const path = join(await scratch(), "huge.bin");
    // Sparse: 3 GB on paper. Reading it whole would fail past Node's 2 GB buffer limit with another message.
    await writeFile(path, "");
    await truncate(path, 3 * 1024 ** 3);
    const error = await readReplyMedia(local(path), notOwn, 20 * 1024 * 1024).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).message).toBe("huge.bin is too large to send here (3072 MB; the limit is 20 MB).");
    await expect(checkReplyFile(local(path), 20 * 1024 * 1024)).rejects.toThrow("too large to send here");
  });

  it("reads a file within the limit, and checks one for streaming", async () => {
    const path = join(await scratch(), "note.txt");
    await writeFile(path, "hello");
    const read = await readReplyMedia({ platform: "local", id: path, mimeType: "text/plain" }, notOwn, 5);
    expect([Buffer.from(read.bytes).toString(), read.fileName, read.mimeType]).toEqual(["hello", "note.txt", "text/plain"]);
    expect(await checkReplyFile({ platform: "local", id: path }, 5)).toEqual({ path, sizeBytes: 5 });
    await expect(readReplyMedia({ platform: "local", id: path }, notOwn, 4)).rejects.toThrow("note.txt is too large to send here");
  });
});

describe("reply media from the shared store", () => {
  const bytes = Buffer.from("chart bytes");
  const files = {
    get: async (id: string) => (id === "sha-of-chart" ? { bytes, fileName: "stored-name.png", mimeType: "image/png" } : undefined),
  };
  const stored = (id: string) => ({ platform: "stored", id, fileName: "chart.png" });

  it("reads a stored file, whichever process stored it, under the part's own name", async () => {
    const read = await readReplyMedia(stored("sha-of-chart"), notOwn, 1024, files);
    expect([Buffer.from(read.bytes).toString(), read.fileName, read.mimeType]).toEqual(["chart bytes", "chart.png", "image/png"]);
  });

  it("refuses a stored file above this platform's limit, and one no longer stored, with a message for the user", async () => {
    await expect(readReplyMedia(stored("sha-of-chart"), notOwn, 4, files)).rejects.toThrow("chart.png is too large to send here");
    const gone = await readReplyMedia(stored("pruned"), notOwn, 1024, files).catch((thrown: unknown) => thrown);
    expect(gone).toMatchObject({ code: "bad-input", message: "chart.png is no longer stored, so it cannot be sent." });
    await expect(readReplyMedia(stored("sha-of-chart"), notOwn, 1024)).rejects.toThrow("no longer stored");
  });
});
