import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLimited, sniffMimeType } from "../../../adapters/kit/media-download.ts";
import { mediaTooBig } from "../../../core/media-size.ts";
import { trackedStream } from "../../support/tracked-stream.ts";

const tooBig = (sizeBytes: number | undefined) => mediaTooBig(sizeBytes, 10);

describe("reading a download within a size limit", () => {
  it("returns a body within the limit whole", async () => {
    const { stream } = trackedStream([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6, 7, 8, 9, 10])]);
    expect([...(await readLimited(stream, 10, tooBig, 10))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("refuses a body that declares more than the limit before reading any of it, and cancels it", async () => {
    const { stream, seen } = trackedStream([new Uint8Array(20)]);
    await expect(readLimited(stream, 10, tooBig, 20)).rejects.toMatchObject({ code: "unsupported", message: "That file is too big (1 KB; the limit is 1 KB)." });
    expect(seen).toEqual({ pulled: 0, isCancelled: true });
  });

  it("refuses a body that passes the limit as it arrives, without reading on, and cancels the rest", async () => {
    const { stream, seen } = trackedStream([new Uint8Array(6), new Uint8Array(6), new Uint8Array(6)]);
    // What was read by then (12 bytes) is not the file's size: the answer says "over" the limit.
    await expect(readLimited(stream, 10, tooBig)).rejects.toMatchObject({ code: "unsupported", message: "That file is too big (over 1 KB)." });
    expect(seen).toEqual({ pulled: 2, isCancelled: true });
  });

  it("destroys a Node stream it refuses", async () => {
    const stream = Readable.from([Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)]);
    await expect(readLimited(stream, 10, tooBig)).rejects.toMatchObject({ code: "unsupported" });
    expect(stream.destroyed).toBe(true);
  });
});

describe("a file's type from its first bytes", () => {
  const bytes = (...values: number[]) => new Uint8Array([...values, ...new Array<number>(12).fill(0)]);

  it("names images, voice and documents that storage calls application/octet-stream", () => {
    expect(sniffMimeType(bytes(0x89, 0x50, 0x4e, 0x47), "application/octet-stream")).toBe("image/png");
    expect(sniffMimeType(bytes(0x23, 0x21, 0x41, 0x4d, 0x52), "application/octet-stream")).toBe("audio/amr");
    expect(sniffMimeType(bytes(0x25, 0x50, 0x44, 0x46), "application/octet-stream")).toBe("application/pdf");
  });

  it("tells an M4A voice clip from an MP4 video by the brand after `ftyp`", () => {
    expect(sniffMimeType(bytes(0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41), "x")).toBe("audio/mp4");
    expect(sniffMimeType(bytes(0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f), "x")).toBe("video/mp4");
  });

  it("keeps the given type for bytes it does not know", () => {
    expect(sniffMimeType(new TextEncoder().encode("plain text"), "text/plain")).toBe("text/plain");
  });
});
