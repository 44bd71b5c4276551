import { describe, expect, it } from "vitest";
import { fileNameFor } from "../../../adapters/wechat/file-name.ts";
import { memoryCardName } from "../../../adapters/wechat/index.ts";
import { toOutgoingMessages } from "../../../adapters/wechat/outbound.ts";
import { buttonsAsPlainText } from "../../../core/render/fallbacks.ts";

const media = { platform: "local", id: "/tmp/chart.png", mimeType: "image/png" };

describe("WeChat outbound messages", () => {
  it("sends markdown as plain text", () => {
    expect(toOutgoingMessages({ type: "markdown", text: "**Done**: see `out.txt`" })).toEqual([{ type: "text", text: "Done: see out.txt" }]);
  });

  it("sends an image or a file first and its caption after it", () => {
    expect(toOutgoingMessages({ type: "image", media, caption: "The **chart**" })).toEqual([
      { type: "file", media },
      { type: "text", text: "The chart" },
    ]);
    expect(toOutgoingMessages({ type: "file", media })).toEqual([{ type: "file", media }]);
    expect(toOutgoingMessages({ type: "audio", media, isVoice: true })).toEqual([{ type: "file", media }]);
  });

  it("turns buttons into a typed instruction, unless the text already names each command", () => {
    const buttons = [{ id: "approve 3f2a", label: "Approve" }, { id: "deny 3f2a", label: "Deny" }];
    expect(toOutgoingMessages({ type: "buttons", text: "Run **rm -rf build**?", buttons })).toEqual([
      { type: "text", text: "Run rm -rf build?\n\nReply /approve 3f2a or /deny 3f2a." },
    ]);
    expect(buttonsAsPlainText("Reply /approve 3f2a or /deny 3f2a (expires in 10 min).", buttons)).toBe("Reply /approve 3f2a or /deny 3f2a (expires in 10 min).");
    expect(buttonsAsPlainText("Reply /approve 3f2a or /deny 3f2a.", [...buttons, { id: "approve 3f2a always", label: "Always" }])).toBe(
      "Reply /approve 3f2a or /deny 3f2a.\n\nReply /approve 3f2a, /deny 3f2a or /approve 3f2a always.",
    );
  });

  it("shows an error with its reference, and sends nothing for an empty answer", () => {
    expect(toOutgoingMessages({ type: "error", code: "upstream", message: "The model is down.", ref: "e7k2" })).toEqual([
      { type: "text", text: "⚠️ The model is down. (ref e7k2)" },
    ]);
    expect(toOutgoingMessages({ type: "markdown", text: "  " })).toEqual([]);
  });

  it("names files with an extension the puppet can classify", () => {
    expect(fileNameFor("chart", "image/png")).toBe("chart.png");
    expect(fileNameFor("report.pdf", "application/pdf")).toBe("report.pdf");
    expect(fileNameFor(undefined, "application/x-unknown")).toBe("file.bin");
  });

  it("keeps the session (memory card) in DATA_DIR, as an absolute path", () => {
    expect(memoryCardName("./data")).toBe(`${process.cwd()}/data/wechat/pincer`);
  });
});
