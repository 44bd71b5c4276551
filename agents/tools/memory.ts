import { z } from "zod";
import { formatPassages } from "../../core/knowledge.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Tool, ToolContext } from "./tool.ts";

const rememberArgs = z.object({ fact: z.string().min(1).max(500) });
const recallArgs = z.object({ query: z.string().min(1).max(500) });
const searchArgs = z.object({ query: z.string().min(1).max(500) });

function memoryOf(context: ToolContext) {
  if (!context.memory) throw new BridgeError("unsupported", "Memory is not available here.");
  return context.memory;
}

/** `remember`: a fact the user asked to keep; they see it with /memory and can /forget it. */
export function createRememberTool(): Tool<z.infer<typeof rememberArgs>> {
  return {
    name: "remember",
    description: "Store a fact the user asks you to remember (they can list and delete it with /memory).",
    parameters: rememberArgs,
    risk: "read",
    isContained: true,
    describeCall: (args) => `remember: ${args.fact}`,
    async run(args, context) {
      return { text: await memoryOf(context).remember(args.fact), artifacts: [] };
    },
  };
}

/** `recall`: searches the user's memories beyond those shown at the start of the turn. */
export function createRecallTool(): Tool<z.infer<typeof recallArgs>> {
  return {
    name: "recall",
    description: "Search what the user asked you to remember.",
    parameters: recallArgs,
    risk: "read",
    isContained: true,
    describeCall: (args) => `recall: ${args.query}`,
    async run(args, context) {
      const found = (await memoryOf(context).relevant(args.query)).slice(0, 20);
      return { text: found.length === 0 ? "Nothing remembered." : found.map((record) => `- ${record.text}`).join("\n"), artifacts: [] };
    },
  };
}

/** `search_knowledge`: passages of this chat's knowledge bases, each with document and section to cite. */
export function createSearchKnowledgeTool(): Tool<z.infer<typeof searchArgs>> {
  return {
    name: "search_knowledge",
    description: "Search the team's documents. Cite the sources you use as [title › section].",
    parameters: searchArgs,
    risk: "read",
    isContained: true,
    describeCall: (args) => `search_knowledge: ${args.query}`,
    async run(args, context) {
      const knowledge = context.knowledge;
      if (!knowledge || knowledge.bases.length === 0) return { text: "This chat has no knowledge base.", artifacts: [] };
      const passages = await knowledge.search(args.query, 5);
      return { text: passages.length === 0 ? "No passage found." : formatPassages(passages), artifacts: [] };
    },
  };
}
