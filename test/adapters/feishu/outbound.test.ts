import { describe, expect, it } from "vitest";
import { buttonsCard, fileTypeOf, markdownCard } from "../../../adapters/feishu/outbound.ts";
import { buttonIdOf } from "../../../adapters/feishu/inbound.ts";

describe("Feishu outbound cards", () => {
  it("puts the answer in a schema 2.0 card that can be updated for everyone", () => {
    const card = JSON.parse(markdownCard("**hi**"));
    expect(card).toEqual({ schema: "2.0", config: { update_multi: true }, body: { elements: [{ tag: "markdown", content: "**hi**" }] } });
  });

  it("gives each button a callback whose value carries the button id", () => {
    const card = JSON.parse(buttonsCard("Approve?", [{ id: "approve ab12c", label: "Approve", style: "primary" }, { id: "deny ab12c", label: "Deny", style: "danger" }]));
    const buttons = card.body.elements.filter((element: { tag: string }) => element.tag === "button");
    expect(buttons.map((button: { type: string }) => button.type)).toEqual(["primary", "danger"]);
    expect(buttons.map((button: { behaviors: { value: unknown }[] }) => buttonIdOf(button.behaviors[0]!.value))).toEqual(["approve ab12c", "deny ab12c"]);
  });

  it("uploads Opus as a voice file and other files by their kind", () => {
    expect(fileTypeOf({ mimeType: "audio/ogg", fileName: "reply.ogg" })).toBe("opus");
    expect(fileTypeOf({ fileName: "report.pdf" })).toBe("pdf");
    expect(fileTypeOf({ fileName: "data.bin" })).toBe("stream");
  });
});
