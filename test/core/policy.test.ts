import { describe, expect, it } from "vitest";
import { decideAccess, needsPairingLookup, type PolicySettings } from "../../core/policy.ts";
import { groupChat, message } from "./fixtures.ts";

const settings = (overrides: Partial<PolicySettings> = {}): PolicySettings => ({
  dm: "pairing",
  group: "mention",
  allowFrom: [],
  allowGroups: [],
  admins: [],
  owners: [],
  ...overrides,
});

const stranger = message({ sender: { id: "u1", displayName: "Ada", isBot: false } });

describe("direct messages from an unknown sender", () => {
  it("get a pairing code under the pairing policy", () => {
    expect(decideAccess(stranger, settings(), false)).toEqual({ type: "pair" });
  });

  it("are admitted once their pairing was approved", () => {
    expect(decideAccess(stranger, settings(), true)).toEqual({ type: "admit", role: "member" });
  });

  it("are dropped under the allowlist policy", () => {
    expect(decideAccess(stranger, settings({ dm: "allowlist" }), false).type).toBe("drop");
  });

  it("are admitted under the open policy", () => {
    expect(decideAccess(stranger, settings({ dm: "open" }), false)).toEqual({ type: "admit", role: "member" });
  });
});

describe("direct messages from known senders", () => {
  it("admit an allowlisted sender without pairing", () => {
    const decision = decideAccess(stranger, settings({ dm: "allowlist", allowFrom: ["telegram:u1"] }), false);
    expect(decision).toEqual({ type: "admit", role: "member" });
  });

  it("do not admit the same user id from another platform", () => {
    const decision = decideAccess(stranger, settings({ dm: "allowlist", allowFrom: ["slack:u1"] }), false);
    expect(decision.type).toBe("drop");
  });

  it("admit the owner as owner", () => {
    expect(decideAccess(stranger, settings({ owners: ["telegram:u1"] }), false)).toEqual({ type: "admit", role: "owner" });
  });

  it("admit an admin as admin", () => {
    expect(decideAccess(stranger, settings({ admins: ["telegram:u1"] }), false)).toEqual({ type: "admit", role: "admin" });
  });
});

describe("bots", () => {
  it("are dropped, even when allowlisted or in an open group", () => {
    const bot = message({ sender: { id: "u1", displayName: "Other bot", isBot: true } });
    expect(decideAccess(bot, settings({ dm: "open", allowFrom: ["telegram:u1"] }), true).type).toBe("drop");
    expect(decideAccess({ ...bot, conversation: groupChat }, settings({ group: "open" }), false).type).toBe("drop");
  });
});

describe("groups under the mention policy", () => {
  const inGroup = (overrides: Parameters<typeof message>[0]) => message({ conversation: groupChat, ...overrides });
  const decide = (overrides: Parameters<typeof message>[0]) => decideAccess(inGroup(overrides), settings(), false);

  it("drop text that does not address the bot", () => {
    expect(decide({ text: "lunch anyone?" }).type).toBe("drop");
  });

  it("admit a mention of the bot, without pairing", () => {
    const decision = decide({
      segments: [
        { type: "mention", userId: "bot", text: "@pincer_bot", isSelf: true },
        { type: "text", text: " what time is it?" },
      ],
    });
    expect(decision).toEqual({ type: "admit", role: "member" });
  });

  it("drop a mention of someone else", () => {
    const decision = decide({
      segments: [
        { type: "mention", userId: "u9", text: "@bob", isSelf: false },
        { type: "text", text: " what time is it?" },
      ],
    });
    expect(decision.type).toBe("drop");
  });

  it("admit a reply to the bot's message", () => {
    expect(decide({ text: "and then?", replyTo: { messageId: "42", isToSelf: true } }).type).toBe("admit");
  });

  it("drop a reply to someone else's message", () => {
    expect(decide({ text: "and then?", replyTo: { messageId: "41", isToSelf: false } }).type).toBe("drop");
  });

  it("admit a bare /command", () => {
    expect(decide({ text: "/status" }).type).toBe("admit");
  });

  it("drop a /command addressed to another bot", () => {
    expect(decide({ text: "/status@OtherBot" }).type).toBe("drop");
  });

  it("drop a mention of everyone", () => {
    const decision = decide({
      segments: [
        { type: "mention-all", text: "@all" },
        { type: "text", text: " meeting at noon" },
      ],
    });
    expect(decision.type).toBe("drop");
  });

  it("listen to an unaddressed voice note (it runs only if its transcript says the bot's name)", () => {
    const voice = { type: "audio" as const, media: { platform: "telegram", id: "v1" }, isVoiceNote: true };
    expect(decide({ segments: [], attachments: [voice] })).toEqual({ type: "listen", role: "member" });
    expect(decide({ segments: [], attachments: [{ ...voice, isVoiceNote: false }] }).type).toBe("drop");
  });
});

describe("groups under other policies", () => {
  const chatter = message({ conversation: groupChat, text: "lunch anyone?" });

  it("open admits every message", () => {
    expect(decideAccess(chatter, settings({ group: "open" }), false)).toEqual({ type: "admit", role: "member" });
  });

  it("disabled drops even a mention of the bot", () => {
    const mention = message({
      conversation: groupChat,
      segments: [{ type: "mention", userId: "bot", text: "@pincer_bot", isSelf: true }],
    });
    expect(decideAccess(mention, settings({ group: "disabled" }), false).type).toBe("drop");
  });
});

describe("groups under the pairing policy", () => {
  const pairing = settings({ group: "pairing" });
  const addressed = message({ conversation: groupChat, text: "/echo hi" });
  const chatter = message({ conversation: groupChat, text: "lunch anyone?" });
  const voiceNote = message({
    conversation: groupChat,
    segments: [],
    attachments: [{ type: "audio", media: { platform: "telegram", id: "v1" }, isVoiceNote: true }],
  });

  it("answer an addressed message in an unknown group with a pairing code", () => {
    expect(decideAccess(addressed, pairing, false)).toEqual({ type: "pair" });
    expect(needsPairingLookup(addressed, pairing)).toBe(true);
  });

  it("ignore chatter and never listen to voice notes in an unknown group", () => {
    expect(decideAccess(chatter, pairing, false).type).toBe("drop");
    expect(decideAccess(voiceNote, pairing, false).type).toBe("drop");
    expect(needsPairingLookup(chatter, pairing)).toBe(false);
  });

  it("treat an approved or allowlisted group like the mention policy", () => {
    expect(decideAccess(addressed, pairing, true)).toEqual({ type: "admit", role: "member" });
    expect(decideAccess(voiceNote, pairing, true).type).toBe("listen");
    const listed = settings({ group: "pairing", allowGroups: ["telegram:-500"] });
    expect(decideAccess(addressed, listed, false)).toEqual({ type: "admit", role: "member" });
    expect(needsPairingLookup(addressed, listed)).toBe(false);
    expect(decideAccess(addressed, settings({ group: "pairing", allowGroups: ["slack:-500"] }), false)).toEqual({ type: "pair" });
  });

  it("ask even an admin to pair an unknown group", () => {
    expect(decideAccess(addressed, settings({ group: "pairing", admins: ["telegram:u1"] }), false)).toEqual({ type: "pair" });
  });
});
