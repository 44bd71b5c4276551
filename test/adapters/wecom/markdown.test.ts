import { describe, expect, it } from "vitest";
import { toWecomMarkdown, truncateUtf8 } from "../../../adapters/wecom/markdown.ts";
import { buttonCard } from "../../../adapters/wecom/outbound.ts";

describe("WeCom markdown", () => {
  it("keeps what WeCom renders: headings, bold, links, lists, quotes, code", () => {
    const text = "# Title\n\n**bold** and *it* with [a link](https://example.com)\n\n- one\n- two\n\n> quoted\n\n```ts\nconst x = 1;\n```\n";
    expect(toWecomMarkdown(text)).toBe(text);
  });

  it("turns an image into its link and strikethrough into its words", () => {
    expect(toWecomMarkdown("see ![the chart](https://example.com/c.png) ~~old~~ new")).toBe("see [the chart](https://example.com/c.png) old new");
  });

  it("drops HTML tags but keeps their text", () => {
    expect(toWecomMarkdown("a <b>bold</b> word<br>next")).toBe("a bold word\nnext");
  });

  it("shows task list boxes", () => {
    expect(toWecomMarkdown("- [ ] todo\n- [x] done")).toBe("- ☐ todo\n- ☑ done");
  });

  it("never touches code", () => {
    const text = "`~~a~~` and\n\n```\n![x](y) ~~z~~ <b>\n```";
    expect(toWecomMarkdown(text)).toBe(text);
  });

  it("leaves code as written when the same snippet follows it outside code", () => {
    expect(toWecomMarkdown("`~~a~~` and ~~a~~")).toBe("`~~a~~` and a");
    expect(toWecomMarkdown("`<b>` vs <b>x</b>")).toBe("`<b>` vs x");
    expect(toWecomMarkdown("- `~~a~~` then ~~a~~")).toBe("- `~~a~~` then a");
    expect(toWecomMarkdown("> `![i](u)` is ![i](u)")).toBe("> `![i](u)` is [i](u)");
  });

  it("cuts at a UTF-8 byte limit without breaking a character", () => {
    expect(truncateUtf8("你好世界", 12)).toBe("你好世界");
    const cut = truncateUtf8("你好世界", 8);
    expect(cut).toBe("你…");
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8);
  });
});

describe("WeCom button cards", () => {
  it("a short prompt fits in the card, buttons keep their ids as keys", () => {
    const { card, isTextSeparate } = buttonCard(
      { type: "buttons", text: "Deploy?\nTo production", buttons: [{ id: "approve 3f2a", label: "Approve", style: "primary" }, { id: "deny 3f2a", label: "Deny", style: "danger" }] },
      "task_1",
    );
    expect(isTextSeparate).toBe(false);
    expect(card).toEqual({
      card_type: "button_interaction",
      main_title: { title: "Deploy?" },
      sub_title_text: "To production",
      button_list: [{ text: "Approve", key: "approve 3f2a", style: 1 }, { text: "Deny", key: "deny 3f2a", style: 3 }],
      task_id: "task_1",
    });
  });

  it("a long prompt goes out as a message before the card", () => {
    const { card, isTextSeparate } = buttonCard(
      { type: "buttons", text: `🔐 Approval needed: **shell** wants to run\n\`\`\`\n${"x".repeat(200)}\n\`\`\``, buttons: [{ id: "approve abcd", label: "Approve" }] },
      "task_2",
    );
    expect(isTextSeparate).toBe(true);
    expect(card.main_title).toEqual({ title: "Choose" });
    expect(card.sub_title_text).toBeUndefined();
  });
});
