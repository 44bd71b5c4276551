import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

export const uploadMetaSchema = z.object({
  id: z.uuid(),
  mimeType: z.string().min(1).max(200),
  fileName: z.string().max(255),
  sizeBytes: z.number().int().min(0),
});

export type UploadMeta = z.infer<typeof uploadMetaSchema>;

/** Files the web chat's user attached, kept in the data directory until a run fetches them. */
export function createUploads(dir: string) {
  const paths = (id: string) => ({ bytes: join(dir, id), meta: join(dir, `${id}.json`) });
  return {
    async save(bytes: Uint8Array, mimeType: string, fileName: string): Promise<UploadMeta> {
      await mkdir(dir, { recursive: true });
      const meta = { id: randomUUID(), mimeType, fileName, sizeBytes: bytes.length };
      const path = paths(meta.id);
      await writeFile(path.bytes, bytes, { mode: 0o600 });
      await writeFile(path.meta, JSON.stringify(meta), { mode: 0o600 });
      return meta;
    },
    async find(id: string): Promise<UploadMeta | undefined> {
      if (!z.uuid().safeParse(id).success) return undefined;
      try {
        return uploadMetaSchema.parse(JSON.parse(await readFile(paths(id).meta, "utf8")));
      } catch {
        return undefined;
      }
    },
    async read(id: string): Promise<Uint8Array> {
      if (!z.uuid().safeParse(id).success) throw new Error(`not an upload id: ${id}`);
      return readFile(paths(id).bytes);
    },
  };
}
