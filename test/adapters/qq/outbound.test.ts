import { describe, expect, it } from "vitest";
import { QqApiError, type QqClient } from "../../../adapters/qq/client.ts";
import { qqMsgSeq, replyLimits, sendStep, stepParts, toSteps } from "../../../adapters/qq/outbound.ts";

const window = { contextToken: "ROBOT1.0_msg!", openedAt: 0, sendsUsed: 2 };

function recordingClient() {
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  const client = {
    sendMessage: async (path: string, body: Record<string, unknown>) => {
      calls.push({ path, body });
      return { id: "sent-1" };
    },
    uploadMedia: async (path: string, body: Record<string, unknown>) => {
      calls.push({ path, body });
      return { file_info: "info-1" };
    },
  } as unknown as QqClient;
  return { client, calls };
}

describe("QQ replies", () => {
  it("keeps the documented windows: an hour for C2C, five minutes elsewhere, five replies per message", () => {
    expect(replyLimits("user")).toEqual({ contextTokenTtlMs: 3_600_000, sendsPerMessage: 5 });
    expect(replyLimits("group")).toEqual({ contextTokenTtlMs: 300_000, sendsPerMessage: 5 });
    expect(replyLimits("channel").contextTokenTtlMs).toBe(300_000);
  });

  it("turns buttons into a typed instruction and markdown into plain text unless markdown is allowed", () => {
    expect(toSteps({ type: "buttons", text: "Approval needed: **shell**", buttons: [{ id: "approve 3f2a", label: "Approve" }, { id: "deny 3f2a", label: "Deny" }] }, false)).toEqual([
      { kind: "text", text: "Approval needed: shell\n\nReply /approve 3f2a or /deny 3f2a." },
    ]);
    expect(toSteps({ type: "markdown", text: "**bold**" }, false)).toEqual([{ kind: "text", text: "bold" }]);
    expect(toSteps({ type: "markdown", text: "**bold**" }, true)).toEqual([{ kind: "text", text: "**bold**" }]);
    const media = { platform: "local", id: "/tmp/x.png" };
    expect(stepParts({ type: "image", media, caption: "look" }, false)).toEqual([{ type: "markdown", text: "look" }, { type: "image", media }]);
  });

  it("numbers a reply after the ones already sent to the message, and sends markdown as msg_type 2", async () => {
    const { client, calls } = recordingClient();
    await sendStep({ client, isMarkdown: false, readMedia: async () => ({ bytes: new Uint8Array(), mimeType: "text/plain" }) }, { kind: "group", id: "G1" }, window, { kind: "text", text: "hi" });
    expect(calls[0]).toEqual({ path: "/v2/groups/G1/messages", body: { msg_type: 0, content: "hi", msg_id: "ROBOT1.0_msg!", msg_seq: 3 } });
    await sendStep({ client, isMarkdown: true, readMedia: async () => ({ bytes: new Uint8Array(), mimeType: "text/plain" }) }, { kind: "user", id: "U1" }, window, { kind: "text", text: "**hi**" });
    expect(calls[1]!.body).toMatchObject({ msg_type: 2, markdown: { content: "**hi**" }, msg_seq: 3 });
  });

  it("uploads an image as file_type 1 and sends it as msg_type 7 with a non-empty content", async () => {
    const { client, calls } = recordingClient();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    await sendStep({ client, isMarkdown: false, readMedia: async () => ({ bytes: png, mimeType: "image/png", fileName: "a.png" }) }, { kind: "user", id: "U1" }, window, {
      kind: "media",
      as: "image",
      media: { platform: "local", id: "/tmp/a.png" },
    });
    expect(calls[0]).toMatchObject({ path: "/v2/users/U1/files", body: { file_type: 1, srv_send_msg: false, file_data: Buffer.from(png).toString("base64") } });
    expect(calls[1]).toEqual({ path: "/v2/users/U1/messages", body: { msg_type: 7, content: " ", media: { file_info: "info-1" }, msg_id: "ROBOT1.0_msg!", msg_seq: 3 } });
  });

  it("numbers a step of a keyed part by its key and place, whatever the count, and takes QQ's repeat refusal as sent", async () => {
    const { client, calls } = recordingClient();
    const sender = { client, isMarkdown: false, readMedia: async () => ({ bytes: new Uint8Array(), mimeType: "text/plain" }) };
    await sendStep(sender, { kind: "user", id: "U1" }, window, { kind: "text", text: "hi" }, { key: "qq:user:U1:m1:0", step: 1 });
    await sendStep(sender, { kind: "user", id: "U1" }, { ...window, sendsUsed: 4 }, { kind: "text", text: "hi" }, { key: "qq:user:U1:m1:0", step: 1 });
    expect(calls.map((call) => call.body.msg_seq)).toEqual([qqMsgSeq("qq:user:U1:m1:0", 1), qqMsgSeq("qq:user:U1:m1:0", 1)]);
    expect(qqMsgSeq("qq:user:U1:m1:0", 1)).toBeGreaterThanOrEqual(1000);

    const refusing = { ...sender, client: { sendMessage: async () => Promise.reject(new QqApiError("send", 400, 40054005, "消息被去重")) } as unknown as QqClient };
    const id = await sendStep(refusing, { kind: "group", id: "G1" }, window, { kind: "text", text: "hi" }, { key: "qq:group:G1:m2:0", step: 0 });
    expect(id).toBe(`ROBOT1.0_msg!:${qqMsgSeq("qq:group:G1:m2:0", 0)}`);
  });

  it("replies in a guild channel with msg_id and no msg_seq", async () => {
    const { client, calls } = recordingClient();
    await sendStep({ client, isMarkdown: false, readMedia: async () => ({ bytes: new Uint8Array(), mimeType: "text/plain" }) }, { kind: "channel", id: "100010" }, window, { kind: "text", text: "hi" });
    expect(calls[0]).toEqual({ path: "/channels/100010/messages", body: { content: "hi", msg_id: "ROBOT1.0_msg!" } });
  });
});
