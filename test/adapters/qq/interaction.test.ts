import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { interactionId, interactionToInbound, keyboardOf } from "../../../adapters/qq/interaction.ts";
import { sendStep, toSteps, withCue } from "../../../adapters/qq/outbound.ts";
import { mentionsBot, promptText } from "../../../core/types/message.ts";
import { keyboardProblem } from "../../fakes/qq-keyboard.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/qq/${name}`, import.meta.url), "utf8")).payload;

describe("QQ button presses (INTERACTION_CREATE) → the command model", () => {
  it("reads the docs' C2C example as the presser typing the button's data, in their chat", () => {
    const { d } = fixture("interaction-create-c2c.json");
    const message = interactionToInbound(d, 42)!;
    expect(message).toMatchObject({
      id: "event:30540ff7-9d8f-4737-83f1-e116ce6afa8b",
      conversation: { platform: "qq", chatId: "user:E4F4AEA33253A2797FB897C50B81D7ED", kind: "direct" },
      sender: { id: "E4F4AEA33253A2797FB897C50B81D7ED", isBot: false },
      sentAt: 42,
    });
    expect(promptText(message.segments)).toBe("/回调按钮");
    expect(interactionId(d)).toBe("30540ff7-9d8f-4737-83f1-e116ce6afa8b");
  });

  it("reads a group press as addressed to the bot, from the member who pressed", () => {
    const message = interactionToInbound(fixture("interaction-create-group.json").d, 0)!;
    expect(message.conversation).toEqual({ platform: "qq", chatId: "group:C9F778FE6ADF9D1D1DBE395BF744A33A", kind: "group" });
    expect(message.sender.id).toBe("E4F4AEA33253A2797FB897C50B81D7ED");
    expect(mentionsBot(message)).toBe(true);
    expect(promptText(message.segments)).toBe("/approve 3f2a");
    expect(message.sentAt).toBe(Date.parse("2024-05-10T10:00:00+08:00"));
  });

  it("leaves out guild presses, the C2C quick menu (type 12), presses without data and malformed events", () => {
    const { d } = fixture("interaction-create-group.json");
    expect(interactionToInbound({ ...d, scene: "guild", chat_type: 0, group_openid: undefined, user_openid: "x" }, 0)).toBeUndefined();
    expect(interactionToInbound({ ...d, type: 12 }, 0)).toBeUndefined();
    expect(interactionToInbound({ ...d, data: { resolved: { button_id: "1" } } }, 0)).toBeUndefined();
    expect(interactionToInbound({ id: 5 }, 0)).toBeUndefined();
  });
});

describe("QQ keyboards", () => {
  const approval = { type: "buttons" as const, text: "Approve **shell**?", buttons: [{ id: "approve 3f2a", label: "Approve", style: "primary" as const }, { id: "deny 3f2a", label: "Deny", style: "danger" as const }] };

  it("are callback buttons anyone may press, five to a row, in the shape QQ takes", () => {
    const many = Array.from({ length: 12 }, (_, index) => ({ id: `echo ${index}`, label: `B${index}` }));
    const { rows } = keyboardOf(many).content;
    expect(rows.map((row) => row.buttons.length)).toEqual([5, 5, 2]);
    expect(keyboardProblem({ msg_type: 2, markdown: { content: "x" }, keyboard: keyboardOf(many) })).toBeUndefined();
    expect(keyboardOf(approval.buttons).content.rows[0]!.buttons[0]).toEqual({
      id: "1",
      render_data: { label: "Approve", visited_label: "Approve", style: 1 },
      action: { type: 1, permission: { type: 2 }, data: "approve 3f2a", unsupport_tips: "Reply /approve 3f2a" },
    });
  });

  it("go under a markdown message in C2C and groups; a guild gets the typed instruction; a press's window answers with event_id", async () => {
    const bodies: { path: string; body: Record<string, unknown> }[] = [];
    const sender = { client: { sendMessage: async (path: string, body: Record<string, unknown>) => (bodies.push({ path, body }), { id: "m1" }) }, isMarkdown: true, readMedia: async () => ({ bytes: new Uint8Array(), mimeType: "x" }) } as never;
    const [step] = toSteps(approval, true, true);
    await sendStep(sender, { kind: "group", id: "G" }, { contextToken: "event:press-1", openedAt: 0, sendsUsed: 0 }, step!);
    await sendStep(sender, { kind: "channel", id: "C" }, { contextToken: "MSG1", openedAt: 0, sendsUsed: 0 }, withCue(step!));
    expect(bodies[0]!.body).toMatchObject({ msg_type: 2, markdown: { content: "Approve **shell**?" }, event_id: "press-1", msg_seq: 1 });
    expect(bodies[0]!.body).not.toHaveProperty("msg_id");
    expect(keyboardProblem(bodies[0]!.body)).toBeUndefined();
    expect(bodies[1]!.body).toMatchObject({ msg_id: "MSG1" });
    expect(bodies[1]!.body).not.toHaveProperty("keyboard");
    expect(String(bodies[1]!.body.content)).toMatch(/Reply \/approve 3f2a or \/deny 3f2a/);
    expect(toSteps(approval, true, false)).toEqual([{ kind: "text", text: expect.stringMatching(/Reply \/approve 3f2a/) }]);
  });
});
