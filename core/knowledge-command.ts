import { answerFromKnowledge, type KnowledgePort } from "./knowledge.ts";
import type { KnowledgeStore } from "./store/knowledge-store.ts";
import type { FetchedMedia } from "./types/adapter.ts";
import { toBridgeError } from "./types/errors.ts";
import type { Attachment, MediaRef } from "./types/message.ts";

/** The largest document accepted into a knowledge base (a file, a page, an upload). */
export const maxDocumentBytes = 20 * 1024 * 1024;

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export interface KnowledgeCommandContext {
  port: KnowledgePort;
  store: KnowledgeStore;
  /** The bases this chat may use (its binding's `knowledge`, else `default`). */
  kbs: readonly string[];
  isAdmin: boolean;
  attachments: readonly Attachment[];
  fetchMedia(ref: MediaRef): Promise<FetchedMedia>;
  /** Where an upload is recorded as coming from (`chat:<conversation key>/<file name>`). */
  uploadSource(fileName: string): string;
}

async function addUploads(kb: string, context: KnowledgeCommandContext): Promise<string> {
  if (!context.isAdmin) return "Only an admin can add documents to a knowledge base.";
  if (!context.kbs.includes(kb)) return `This chat may not use the knowledge base ${kb} (it may use: ${context.kbs.join(", ") || "none"}).`;
  const files = context.attachments.filter((attachment) => attachment.type === "file");
  if (files.length === 0) return "Send the document (Markdown, text, HTML, PDF or DOCX) with /kb add as its caption.";
  const lines: string[] = [];
  for (const { media } of files) {
    const name = media.fileName ?? "document";
    try {
      if (media.sizeBytes !== undefined && media.sizeBytes > maxDocumentBytes) {
        lines.push(`${name}: refused, it is too large (${megabytes(media.sizeBytes)}; the limit is ${megabytes(maxDocumentBytes)}).`);
        continue;
      }
      const fetched = await context.fetchMedia(media);
      const added = await context.port.addFile(kb, context.uploadSource(name), { bytes: fetched.bytes, fileName: name, mimeType: media.mimeType ?? fetched.mimeType });
      lines.push(`${name}: added to ${kb} (${added.chunks} passages).`);
    } catch (thrown) {
      lines.push(`${name}: refused: ${toBridgeError(thrown).message}`);
    }
  }
  return lines.join("\n");
}

/** `/kb` lists the bases, `/kb add [name]` adds the attached files (admins), `/kb <question>` searches. */
export async function knowledgeCommand(args: string, context: KnowledgeCommandContext): Promise<string> {
  const add = /^add(?:\s+([a-z0-9][a-z0-9_-]*))?$/i.exec(args);
  if (add) return addUploads(add[1]?.toLowerCase() ?? context.kbs[0] ?? "default", context);
  if (!args) {
    const bases = (await context.store.bases()).filter((base) => context.kbs.includes(base.kb));
    if (bases.length === 0) return "No knowledge base here yet. An operator adds documents with `pincer kb add`, an admin with /kb add and a file.";
    return ["Knowledge bases here:", ...bases.map((base) => `${base.kb}: ${base.documents} documents, ${base.chunks} passages`), "Ask with /kb <question>."].join("\n");
  }
  return answerFromKnowledge(context.port, context.kbs, args);
}
