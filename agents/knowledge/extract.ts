import { basename, extname } from "node:path";
import type { KnowledgeFile } from "../../core/knowledge.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { decodeEntities, htmlToText } from "../tools/html-text.ts";

/** What a document reads as: its title and Markdown-like text (headings as `#` lines, PDF pages as sections). */
export interface ExtractedDocument {
  title: string;
  text: string;
}

export type DocumentKind = "markdown" | "text" | "html" | "pdf" | "docx";

const kindsByExtension: Record<string, DocumentKind> = {
  ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx",
};

const kindsByMimeType: Record<string, DocumentKind> = {
  "text/markdown": "markdown", "text/plain": "text", "text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
};

export const supportedExtensions = Object.keys(kindsByExtension);

export function documentKind(fileName: string, mimeType: string | undefined): DocumentKind | undefined {
  return kindsByExtension[extname(fileName).toLowerCase()] ?? kindsByMimeType[(mimeType ?? "").split(";")[0]!.trim().toLowerCase()];
}

const withoutExtension = (fileName: string) => basename(fileName, extname(fileName));

/** HTML with its headings kept as `#` lines, so the chunks know their sections. */
export function htmlToMarkdownText(html: string): ExtractedDocument {
  const title = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html)?.[1];
  const marked = html
    .replace(/<title\b[^>]*>[\s\S]*?<\/title\s*>/gi, "")
    .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_, level: string, inner: string) => `<p>${"#".repeat(Number(level))} ${inner.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim()}</p>`)
    .replace(/<\/(p|li|tr|div|section|blockquote|pre)\s*>/gi, "</$1>\n");
  const text = htmlToText(marked).replace(/\n(?=#{1,6} )/g, "\n\n").replace(/(^|\n)(#{1,6} [^\n]*)\n(?!\n)/g, "$1$2\n\n");
  return { title: title ? decodeEntities(title.replace(/<[^>]*>/g, "")).replace(/\s+/g, " ").trim() : "", text };
}

function firstHeading(text: string): string | undefined {
  return /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
}

function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch (error) {
    throw new BridgeError("bad-input", `${name} is not UTF-8 text.`, { cause: error });
  }
}

async function pdfText(file: KnowledgeFile): Promise<string> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  try {
    const pdf = await getDocumentProxy(new Uint8Array(file.bytes));
    const { text } = await extractText(pdf, { mergePages: false });
    await pdf.cleanup?.();
    return text.map((page, index) => `# Page ${index + 1}\n\n${page.replace(/[ \t]+\n/g, "\n").trim()}`).join("\n\n");
  } catch (error) {
    throw new BridgeError("bad-input", `${file.fileName} could not be read as a PDF (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
}

async function docxHtml(file: KnowledgeFile): Promise<string> {
  const { default: mammoth } = await import("mammoth");
  try {
    return (await mammoth.convertToHtml({ buffer: Buffer.from(file.bytes) })).value;
  } catch (error) {
    throw new BridgeError("bad-input", `${file.fileName} could not be read as a Word document (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
}

/**
 * The text of a document, by its extension (or MIME type): Markdown and text as they are, HTML without tags,
 * PDF through unpdf (pdf.js) page by page, DOCX through mammoth. Unsupported or unreadable files are refused
 * with a BridgeError that says why.
 */
export async function extractDocument(file: KnowledgeFile): Promise<ExtractedDocument> {
  const kind = documentKind(file.fileName, file.mimeType);
  const fallbackTitle = withoutExtension(file.fileName);
  switch (kind) {
    case "markdown": {
      const text = decodeUtf8(file.bytes, file.fileName);
      return { title: firstHeading(text) ?? fallbackTitle, text };
    }
    case "text":
      return { title: fallbackTitle, text: decodeUtf8(file.bytes, file.fileName) };
    case "html": {
      const extracted = htmlToMarkdownText(decodeUtf8(file.bytes, file.fileName));
      return { title: extracted.title || firstHeading(extracted.text) || fallbackTitle, text: extracted.text };
    }
    case "pdf":
      return { title: fallbackTitle, text: await pdfText(file) };
    case "docx": {
      const extracted = htmlToMarkdownText(await docxHtml(file));
      return { title: firstHeading(extracted.text) ?? fallbackTitle, text: extracted.text };
    }
    case undefined:
      throw new BridgeError("unsupported", `${file.fileName}: unsupported type (supported: ${supportedExtensions.join(", ")}).`);
  }
}
