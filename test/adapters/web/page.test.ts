import { describe, expect, it } from "vitest";
import { chatPage } from "../../../adapters/web/page.ts";

describe("the web chat page", () => {
  it("draws its icons as inline SVG, with no emoji that a machine without an emoji font shows as empty boxes", () => {
    expect(chatPage.html.match(/\p{Extended_Pictographic}/gu) ?? []).toEqual([]);
    expect(chatPage.html).toMatch(/title="Attach an image or audio file" aria-label="Attach an image or audio file"><svg class="glyph"/);
    expect(chatPage.html).toMatch(/id="record" class="icon" title="Record a voice message" aria-label="Record a voice message"><svg class="glyph"/);
    expect(chatPage.html).toContain("const fileIcon = '<svg");
  });
});
