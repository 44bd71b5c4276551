import type { Client } from "@larksuiteoapi/node-sdk";
import { describe, expect, it } from "vitest";
import { createCall, createTokenCache } from "../../../adapters/feishu/api.ts";
import { buttonsCard, createOutbound, fileTypeOf, markdownCard } from "../../../adapters/feishu/outbound.ts";
import { buttonIdOf } from "../../../adapters/feishu/inbound.ts";
import { silentLogger as silent } from "../../support/recording-logger.ts";

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

describe("Feishu outbound plain-text fallback", () => {
  /** A client that refuses every card (as Feishu does for a card it cannot read, code 230099) and records creates and edits. */
  function refusingClient(refusalCode = 230099) {
    let sequence = 0;
    const edits: { via: "patch" | "update"; messageId: string }[] = [];
    const creates: { msgType: string; uuid?: string }[] = [];
    const client = {
      im: {
        message: {
          create: async ({ data }: { data: { msg_type: string; uuid?: string } }) => {
            creates.push({ msgType: data.msg_type, ...(data.uuid === undefined ? {} : { uuid: data.uuid }) });
            if (data.msg_type === "interactive") throw Object.assign(new Error("refused"), { response: { status: 400, data: { code: refusalCode, msg: "card refused" } } });
            return { code: 0, data: { message_id: `om_text_${(sequence += 1)}` } };
          },
          update: async ({ path }: { path: { message_id: string } }) => (edits.push({ via: "update", messageId: path.message_id }), { code: 0 }),
          patch: async ({ path }: { path: { message_id: string } }) => (edits.push({ via: "patch", messageId: path.message_id }), { code: 0 }),
        },
      },
    } as unknown as Client;
    const outbound = createOutbound({ client, call: createCall(createTokenCache(), silent), logger: silent, fetchOwn: async () => { throw new Error("unused"); }, maxMediaBytes: 20 * 1024 * 1024, rememberSent: () => {} });
    return { outbound, edits, creates };
  }
  const to = { platform: "feishu", chatId: "oc_1", kind: "direct" as const };

  it("streams a refused card's text fallback by replacing the text", async () => {
    const { outbound, edits } = refusingClient();
    const sent = await outbound.send(to, { type: "markdown", text: "part" });
    await outbound.edit(sent, { type: "markdown", text: "part and more" });
    expect(edits).toEqual([{ via: "update", messageId: sent.messageId }]);
  });

  it("gives the plain text a uuid of its own, the same when the part is sent again", async () => {
    const { outbound, creates } = refusingClient();
    await outbound.send(to, { type: "markdown", text: "hi" }, { idempotencyKey: "feishu:oc_1:m1:0" });
    await outbound.send(to, { type: "markdown", text: "hi" }, { idempotencyKey: "feishu:oc_1:m1:0" });
    const [card, text] = creates.map((create) => create.uuid);
    expect(creates).toEqual([{ msgType: "interactive", uuid: card }, { msgType: "text", uuid: text }, { msgType: "interactive", uuid: card }, { msgType: "text", uuid: text }]);
    expect(card).not.toBe(text);
  });

  it("sends no uuid for a send without a key, and no plain text while Feishu is still sending the same uuid (230049)", async () => {
    const { outbound, creates } = refusingClient(230049);
    await expect(outbound.send(to, { type: "markdown", text: "hi" })).rejects.toMatchObject({ code: "upstream" });
    expect(creates).toEqual([{ msgType: "interactive" }]);
  });

  it("remembers only recent fallbacks, so the memory of them does not grow without end", async () => {
    const { outbound, edits } = refusingClient();
    const first = await outbound.send(to, { type: "markdown", text: "old" });
    for (let index = 0; index < 1000; index += 1) await outbound.send(to, { type: "markdown", text: `n${index}` });
    await outbound.edit(first, { type: "markdown", text: "old, edited" });
    expect(edits).toEqual([{ via: "patch", messageId: first.messageId }]);
  });
});
