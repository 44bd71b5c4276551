import type { Tokens } from "marked";
import { itemNumber, taskBox, type Walk } from "./walk.ts";

// Pieces shared by the dialects that write Markdown again (Discord, a Feishu card), each with its own escaping.

/** A link target read to its end: `)` and spaces would cut it short. */
export const linkTarget = (href: string): string => href.replaceAll(")", "%29").replaceAll(" ", "%20");

/** A fence in the code itself would end the block early: use a longer fence. */
export function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  return "`".repeat(longest + 1);
}

/** A list's items as `-` or `1.` lines: the item's first text follows its marker; every line of what comes after (a code block's too) stays inside the item. */
export function markdownList(list: Tokens.List, walk: Walk, depth: number): string {
  return list.items.map((item, index) => markdownListItem(list, item, index, walk, depth)).join("\n");
}

function markdownListItem(list: Tokens.List, item: Tokens.ListItem, index: number, walk: Walk, depth: number): string {
  const indent = "  ".repeat(depth);
  const marker = list.ordered ? `${itemNumber(list, index)}.` : "-";
  const children = item.tokens.filter((child) => child.type !== "checkbox");
  const written = walk.itemBlocks(item, depth + 1);
  const lines: string[] = [];
  let first = "";
  children.forEach((child, at) => {
    const parts = written[at]!;
    if (child.type === "list") lines.push(...parts);
    else if (child.type === "text" || child.type === "paragraph") {
      if (first === "" && lines.length === 0) first = parts[0] ?? "";
      else lines.push(...parts.map((text) => `${indent}  ${text}`));
    } else lines.push(...parts.flatMap((text) => text.split("\n")).map((line) => `${indent}  ${line}`));
  });
  const box = taskBox(item);
  return [`${indent}${marker} ${box ? `${box} ` : ""}${first}`, ...lines].join("\n");
}
