import { describe, expect, it } from "vitest";
import { actionRows, content, maxContentChars } from "../../../adapters/discord/outbound.ts";
import { voiceMetadata } from "../../../adapters/discord/voice.ts";

describe("Discord outbound pieces", () => {
  it("lays buttons out as action rows of five at most, styled, with their command as custom_id", () => {
    const buttons = Array.from({ length: 7 }, (_, index) => ({ id: `pick ${index}`, label: `Option ${index}`, ...(index === 0 ? { style: "primary" as const } : index === 1 ? { style: "danger" as const } : {}) }));
    const rows = actionRows(buttons);
    expect(rows.map((row) => row.components.length)).toEqual([5, 2]);
    expect(rows[0]!.components.slice(0, 3)).toEqual([
      { type: 2, style: 1, label: "Option 0", custom_id: "pick 0" },
      { type: 2, style: 4, label: "Option 1", custom_id: "pick 1" },
      { type: 2, style: 2, label: "Option 2", custom_id: "pick 2" },
    ]);
  });

  it("never sends more than 2,000 characters, even when escapes make the rendering longer than the split source", () => {
    const text = content("a_b ".repeat(475));
    expect(text.length).toBeLessThanOrEqual(maxContentChars);
    expect(text.endsWith("…")).toBe(true);
    expect(content("")).toBe("…");
  });

  it("reads no voice metadata from bytes that are not OGG/Opus (they go as a plain file)", () => {
    expect(voiceMetadata(new Uint8Array([137, 80, 78, 71, 1, 2, 3, 4]))).toBeUndefined();
  });
});
