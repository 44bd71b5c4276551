import type { Segment } from "../../core/types/message.ts";

/** Slack escapes only these three in message text (https://docs.slack.dev/messaging/formatting-message-text#escaping). */
export function unescapeSlack(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

export function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const entityPattern = /<([^<>]*)>/g;

/** One `<…>` entity of Slack's text format as a segment: users, channels, broadcasts, links. */
function entitySegment(inner: string, botUserId: string | undefined): Segment {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : unescapeSlack(inner.slice(bar + 1));
  if (target.startsWith("@")) {
    const userId = target.slice(1);
    return { type: "mention", userId, text: `@${label ?? userId}`, isSelf: botUserId !== undefined && userId === botUserId };
  }
  if (target.startsWith("#")) return { type: "text", text: `#${label ?? target.slice(1)}` };
  if (target === "!channel" || target === "!here" || target === "!everyone") return { type: "mention-all", text: `@${target.slice(1)}` };
  // `<!subteam^S123|@team>`, `<!date^…|fallback>`: the readable fallback, as a person sees it.
  if (target.startsWith("!")) return { type: "text", text: label ?? `@${target.slice(1).split("^")[0]}` };
  const url = unescapeSlack(target);
  return { type: "link", url, text: label ?? url.replace(/^mailto:/, "") };
}

/** Slack's message text (`<@U…>`, `<#C…|name>`, `<url|label>`, `&amp;`) as segments; adjacent text is merged. */
export function parseSlackText(text: string, botUserId: string | undefined): Segment[] {
  const segments: Segment[] = [];
  const pushText = (value: string) => {
    if (!value) return;
    const last = segments.at(-1);
    if (last?.type === "text") segments[segments.length - 1] = { type: "text", text: last.text + value };
    else segments.push({ type: "text", text: value });
  };
  let index = 0;
  for (const match of text.matchAll(entityPattern)) {
    pushText(unescapeSlack(text.slice(index, match.index)));
    const segment = entitySegment(match[1]!, botUserId);
    if (segment.type === "text") pushText(segment.text);
    else segments.push(segment);
    index = match.index + match[0].length;
  }
  pushText(unescapeSlack(text.slice(index)));
  return segments;
}
