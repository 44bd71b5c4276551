import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PruneCutoffs } from "../../../../core/store/store.ts";
import type { ReplyPart } from "../../../../core/types/reply.ts";
import { directChat } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const dayMs = 24 * 60 * 60 * 1000;
const now = 1_800_000_000_000;
const twoDaysAgo = now - 2 * dayMs;
// Only stored files are looked at: everything else is far older than anything written here.
const cutoffs: PruneCutoffs = { before: 0, inboxKeysBefore: 0, storedFilesBefore: now - dayMs };

/** Every byte value, twice: no text encoding, NUL or high byte may be lost on the way. */
const binary = Uint8Array.from({ length: 512 }, (_, index) => index % 256);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const filePart = (id: string): ReplyPart => ({ type: "file", media: { platform: "stored", id, fileName: "report.bin" } });

/** Files replies carry, kept in the store so that any process sharing it can send them. */
export function describeFilesContract(name: string, factory: StoreFactory): void {
  describe(`${name}: stored files`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("keeps the bytes under their sha256 and gives them back whole, with their name and type", async () => {
      const id = await store().files.put(binary, { fileName: "report.bin", mimeType: "application/octet-stream" }, now);
      expect(id).toBe(sha256(binary));
      const stored = await store().files.get(id);
      expect(Buffer.from(stored!.bytes).equals(Buffer.from(binary))).toBe(true);
      expect(stored).toMatchObject({ fileName: "report.bin", mimeType: "application/octet-stream" });
      expect(await store().files.get(sha256(Uint8Array.of(1, 2, 3)))).toBeUndefined();
    });

    it("stores the same bytes once: the second put returns the same id and keeps the first name", async () => {
      const first = await store().files.put(binary, { fileName: "a.bin" }, now);
      const second = await store().files.put(new Uint8Array(binary), { fileName: "b.bin", mimeType: "text/plain" }, now + 1);
      expect(second).toBe(first);
      expect(await store().files.get(first)).toMatchObject({ fileName: "a.bin" });
      // One row: pruning it once removes it.
      expect((await store().retention.prune({ ...cutoffs, storedFilesBefore: now + 2 })).storedFiles).toBe(1);
      expect(await store().files.get(first)).toBeUndefined();
    });

    it("lets another process read a file one process stored, empty files included", async () => {
      const id = await store().files.put(binary, { fileName: "report.bin" }, now);
      const empty = await store().files.put(new Uint8Array(0), {}, now);
      const other = await factory.openAnother();
      expect(Buffer.from((await other.files.get(id))!.bytes).equals(Buffer.from(binary))).toBe(true);
      expect((await other.files.get(empty))!.bytes).toHaveLength(0);
    });

    it("prunes a file a day after its last use once no unsent part refers to it", async () => {
      const pending = await store().files.put(Uint8Array.of(1), {}, twoDaysAgo);
      const parked = await store().files.put(Uint8Array.of(2), {}, twoDaysAgo);
      const sent = await store().files.put(Uint8Array.of(3), {}, twoDaysAgo);
      const unused = await store().files.put(Uint8Array.of(4), {}, twoDaysAgo);
      const recent = await store().files.put(Uint8Array.of(5), {}, now - 1000);
      const reused = await store().files.put(Uint8Array.of(6), {}, twoDaysAgo);
      await store().files.put(Uint8Array.of(6), {}, now - 1000);
      await store().outbox.put("retry-later", directChat, filePart(pending), twoDaysAgo);
      await store().outbox.park({ key: "parked", conversation: directChat, part: filePart(parked) }, "next-inbound:x", twoDaysAgo);
      await store().outbox.markSent({ key: "sent", conversation: directChat, part: filePart(sent) }, "m1", twoDaysAgo);

      expect((await store().retention.prune(cutoffs)).storedFiles).toBe(2);
      const kept = async (id: string) => (await store().files.get(id)) !== undefined;
      expect([await kept(pending), await kept(parked), await kept(sent), await kept(unused), await kept(recent), await kept(reused)])
        .toEqual([true, true, false, false, true, true]);
      // A part claimed for a send (cut off mid-send, say) still needs its file.
      await store().outbox.claim({ key: "retry-later", conversation: directChat, part: filePart(pending) }, now, 60_000);
      expect((await store().retention.prune(cutoffs)).storedFiles).toBe(0);
      expect(await kept(pending)).toBe(true);
    });

    it("keeps every stored file when the cutoff is absent", async () => {
      const id = await store().files.put(Uint8Array.of(7), {}, twoDaysAgo);
      expect((await store().retention.prune({ before: 0, inboxKeysBefore: 0 })).storedFiles).toBe(0);
      expect(await store().files.get(id)).toBeDefined();
    });
  });
}
