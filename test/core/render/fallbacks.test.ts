import { describe, expect, it } from "vitest";
import { toFeishuMarkdown } from "../../../adapters/feishu/markdown.ts";
import { toMrkdwn } from "../../../adapters/slack/markdown.ts";
import { htmlToPlainText, markdownToTelegramHtml } from "../../../adapters/telegram/markdown.ts";
import { toWecomMarkdown } from "../../../adapters/wecom/markdown.ts";
import { buttonsAsPlainText, errorMarkdown, errorText, prepareForPlatform } from "../../../core/render/fallbacks.ts";
import { markdownToPlainText } from "../../../core/render/plain-text.ts";
import type { Capabilities } from "../../../core/types/adapter.ts";
import type { ReplyPart } from "../../../core/types/reply.ts";
import { chat, recordingAdapter, useOutbox } from "../../support/responder.ts";

const { deliveryFor } = useOutbox();

const withButtons: Capabilities = { maxTextLength: 4000, minEditIntervalMs: 0, hasButtons: true, hasVoiceOut: false };
const withoutButtons: Capabilities = { ...withButtons, hasButtons: false };
const buttons: ReplyPart = { type: "buttons", text: "Run **rm -rf build**?", buttons: [{ id: "approve 3f2a", label: "Approve" }, { id: "deny 3f2a", label: "Deny" }] };
const error = { type: "error", code: "upstream", message: "The *model* is <down>.", ref: "e7k2" } as const;

describe("the fallback table", () => {
  it("buttons: kept where the platform has buttons", () => {
    expect(prepareForPlatform(buttons, withButtons)).toBe(buttons);
  });

  it("buttons: a typed instruction where it has none, the commands shown literally", () => {
    const prepared = prepareForPlatform(buttons, withoutButtons);
    expect(prepared).toEqual({ type: "markdown", text: "Run **rm -rf build**?\n\nReply \\/approve 3f2a or \\/deny 3f2a." });
    expect(markdownToPlainText((prepared as { text: string }).text)).toBe("Run rm -rf build?\n\nReply /approve 3f2a or /deny 3f2a.");
    expect(markdownToTelegramHtml((prepared as { text: string }).text)).toBe("Run <b>rm -rf build</b>?\n\nReply /approve 3f2a or /deny 3f2a.");
  });

  it("buttons: the instruction stays outside a code block the text left open", () => {
    expect(buttonsAsPlainText("Here:\n```\nconst a = 1;", [{ id: "ok 1", label: "OK" }])).toBe("Here:\n\nconst a = 1;\n\nReply /ok 1.");
  });

  it("other parts pass unchanged", () => {
    const parts: ReplyPart[] = [{ type: "markdown", text: "**hi**" }, error, { type: "file", media: { platform: "local", id: "/tmp/a", mimeType: "text/plain" } }];
    for (const part of parts) expect(prepareForPlatform(part, withoutButtons)).toBe(part);
  });

  it("errors: one rendering, the message shown literally in every dialect", () => {
    const text = "⚠️ The *model* is <down>. (ref e7k2)";
    expect(errorText(error)).toBe(text);
    expect(markdownToPlainText(errorMarkdown(error))).toBe(text);
    expect(htmlToPlainText(markdownToTelegramHtml(errorMarkdown(error)))).toBe(text);
    expect(toMrkdwn(errorMarkdown(error))).toBe("⚠️ The *model* is &lt;down&gt;. (ref e7k2)");
    expect(toFeishuMarkdown(errorMarkdown(error))).toBe("⚠️ The \\*model\\* is &lt;down&gt;. (ref e7k2)");
    // WeCom keeps Markdown source as written, and may not read backslash escapes: it gets the text as before.
    expect(toWecomMarkdown(errorText(error))).toBe("⚠️ The *model* is . (ref e7k2)");
  });
});

describe("the fallbacks are applied before adapter.send", () => {
  it("a platform without buttons receives the typed instruction, one with buttons the buttons", async () => {
    for (const hasButtons of [false, true]) {
      const fake = recordingAdapter();
      fake.adapter.capabilities = { ...fake.adapter.capabilities, hasButtons };
      await deliveryFor(fake.adapter).send(`k:${hasButtons}`, chat, buttons);
      expect(fake.sends().map((call) => call.text)).toEqual([hasButtons ? buttons.text : `${buttons.text}\n\nReply \\/approve 3f2a or \\/deny 3f2a.`]);
    }
  });
});
