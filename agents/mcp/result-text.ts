import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";
import { assertNever } from "../../core/types/errors.ts";
import { trimMiddle } from "../tools/text.ts";

/** Text the model reads from one result; runTools trims further to the token budget. */
const maxResultChars = 50_000;

function partText(part: ContentBlock): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "image":
      return "[image]";
    case "audio":
      return "[audio]";
    case "resource_link":
      return `[resource ${part.uri}]`;
    case "resource":
      return `[resource ${part.resource.uri}]`;
    default:
      return assertNever(part);
  }
}

/** A result in the 2024-10-07 protocol's shape, which the SDK still accepts from old servers. */
type LegacyResult = { toolResult: unknown };

/**
 * What the model reads from a tools/call result: the text parts joined, other media named, and an
 * error result (`isError`) as a text starting "Error:".
 */
export function resultText(result: CallToolResult | LegacyResult): string {
  if (!("content" in result)) return trimMiddle(JSON.stringify(result.toolResult) ?? "(no output)", maxResultChars);
  const parts = result.content.map(partText);
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const text = parts.join("\n").trim();
  const shown = result.isError ? `Error: ${text || "the tool failed without saying why."}` : text || "(no output)";
  return trimMiddle(shown, maxResultChars);
}
