import { answerFromKnowledge, type KnowledgePort } from "./knowledge.ts";
import type { KnowledgeStore } from "./store/knowledge-store.ts";
import type { FetchedMedia } from "./types/adapter.ts";
import { toBridgeError, userMessage } from "./types/errors.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "./i18n/catalogue.ts";
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
  /** The language of the answers (default `en`). */
  locale?: Locale;
}

async function addUploads(kb: string, context: KnowledgeCommandContext): Promise<string> {
  const t = (key: MessageKey, params?: MessageParams) => translate(context.locale ?? "en", key, params);
  if (!context.isAdmin) return t("knowledge.addAdminOnly");
  if (!context.kbs.includes(kb)) return t("knowledge.notAllowed", { kb, list: context.kbs.join(", ") || t("knowledge.none") });
  const files = context.attachments.filter((attachment) => attachment.type === "file");
  if (files.length === 0) return t("knowledge.sendDocument");
  const lines: string[] = [];
  for (const { media } of files) {
    const name = media.fileName ?? "document";
    try {
      if (media.sizeBytes !== undefined && media.sizeBytes > maxDocumentBytes) {
        lines.push(t("knowledge.tooLarge", { name, size: megabytes(media.sizeBytes), limit: megabytes(maxDocumentBytes) }));
        continue;
      }
      const fetched = await context.fetchMedia(media);
      const added = await context.port.addFile(kb, context.uploadSource(name), { bytes: fetched.bytes, fileName: name, mimeType: media.mimeType ?? fetched.mimeType });
      lines.push(t("knowledge.added", { name, kb, chunks: added.chunks }));
    } catch (thrown) {
      const error = toBridgeError(thrown);
      lines.push(t("knowledge.refused", { name, reason: error.text ? userMessage(error, context.locale) : error.message }));
    }
  }
  return lines.join("\n");
}

/** `/kb` lists the bases, `/kb add [name]` adds the attached files (admins), `/kb <question>` searches. */
export async function knowledgeCommand(args: string, context: KnowledgeCommandContext): Promise<string> {
  const add = /^add(?:\s+([a-z0-9][a-z0-9_-]*))?$/i.exec(args);
  if (add) return addUploads(add[1]?.toLowerCase() ?? context.kbs[0] ?? "default", context);
  const t = (key: MessageKey, params?: MessageParams) => translate(context.locale ?? "en", key, params);
  if (!args) {
    const bases = (await context.store.bases()).filter((base) => context.kbs.includes(base.kb));
    if (bases.length === 0) return t("knowledge.empty");
    return [t("knowledge.title"), ...bases.map((base) => t("knowledge.base", { kb: base.kb, documents: base.documents, chunks: base.chunks })), t("knowledge.askHint")].join("\n");
  }
  return answerFromKnowledge(context.port, context.kbs, args, undefined, context.locale);
}
