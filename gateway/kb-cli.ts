import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { printable } from "../core/printable.ts";
import { createSqliteStore } from "../core/store/sqlite/index.ts";
import type { AddResult } from "../agents/knowledge/index.ts";
import { knowledgeFor } from "./knowledge.ts";

export const kbHelp = `  kb add <file|folder|url> [--kb name]  add documents (md, txt, html, pdf, docx) to a knowledge base (default: default)
  kb list [--kb name]                  list knowledge bases, or one base's documents
  kb remove <source|--all> [--kb name] remove a document (by its path or URL), or the whole base
  kb reindex [--kb name]               read every document again from its source (and embed it when EMBEDDINGS_MODEL is set)`;

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const kbName = /^[a-z0-9][a-z0-9_-]*$/;

function report(results: readonly AddResult[], io: Output): number {
  let refused = 0;
  for (const result of results) {
    if (result.refusal) {
      refused += 1;
      io.err(`refused ${printable(result.source)}: ${printable(result.refusal)}\n`);
    } else io.out(`added ${printable(result.source)} (${result.chunks} passages)\n`);
  }
  return refused > 0 ? 1 : 0;
}

/** `pincer kb …`: returns the exit code. */
export async function kbCommand(config: Config, argv: readonly string[], io: Output): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { kb: { type: "string" }, all: { type: "boolean" } },
  });
  const [action, target] = positionals;
  const kb = values.kb ?? "default";
  if (!kbName.test(kb)) {
    io.err(`--kb: expected a lowercase name (letters, digits, - and _), not ${printable(kb)}\n`);
    return 2;
  }
  const store = createSqliteStore(config.dataDir);
  try {
    const knowledge = knowledgeFor(config, store.knowledge);
    switch (action) {
      case "add":
        if (!target) break;
        return report(await knowledge.add(kb, target), io);
      case "list": {
        if (values.kb) {
          for (const document of await store.knowledge.documents(kb)) {
            io.out(`${printable(document.source)}\t${printable(document.title)}\t${document.sizeBytes} bytes\t${new Date(document.addedAt).toISOString()}${document.embeddingModel ? `\t${document.embeddingModel}` : ""}\n`);
          }
          return 0;
        }
        const bases = await store.knowledge.bases();
        if (bases.length === 0) io.out("No knowledge base yet: add documents with `pincer kb add <file|folder|url>`.\n");
        for (const base of bases) {
          io.out(`${base.kb}\t${base.documents} documents\t${base.chunks} passages\t${base.textBytes} bytes of text\t${base.embeddedChunks} embedded\n`);
        }
        return 0;
      }
      case "remove": {
        if (!target && !values.all) break;
        const removed = await store.knowledge.remove(kb, values.all ? undefined : target);
        if (removed === 0) {
          io.err(`Nothing to remove: ${values.all ? `the knowledge base ${kb} is empty` : `${printable(target!)} is not in ${kb}`}.\n`);
          return 1;
        }
        io.out(`Removed ${removed} ${removed === 1 ? "document" : "documents"} from ${kb}.\n`);
        return 0;
      }
      case "reindex":
        return report(await knowledge.reindex(values.kb), io);
    }
    io.err(`Usage:\n${kbHelp}\n`);
    return 2;
  } finally {
    store.close();
  }
}
