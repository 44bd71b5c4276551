import { describe, expect, it } from "vitest";
import { admit } from "../../../core/stages/admit.ts";
import { stageDeps } from "../../../core/stages/deps.ts";
import type { PolicySettings } from "../../../core/policy.ts";
import { recordingAdapter, silentLogger } from "../../support/responder.ts";
import { fakeGroup, fakeMedia, fakeMessage, memoryStore, pipelineDeps, recordStatuses, voiceNote } from "./harness.ts";

function setUp(policy: Partial<PolicySettings> = {}, media = fakeMedia()) {
  const store = memoryStore();
  const fake = recordingAdapter();
  fake.adapter.selfNames = () => ["@pincer_bot"];
  fake.adapter.fetchMedia = async () => ({ bytes: new Uint8Array([1]), mimeType: "audio/ogg" });
  const base = pipelineDeps(store, [fake.adapter], { media });
  const deps = stageDeps({ ...base, policy: { ...base.policy, ...policy } });
  return { store, fake, deps, statuses: recordStatuses(store) };
}

describe("stage admit", () => {
  it("lets a known sender in with their role and leaves the row to the next stages", async () => {
    const { deps, statuses } = setUp({ allowFrom: ["fake:u1"] });
    const admission = await admit("fake:m1", fakeMessage(), deps, silentLogger);
    expect(admission).toMatchObject({ type: "admitted", role: "member" });
    expect(statuses).toEqual([]);
  });

  it("answers an unknown DM sender with a pairing code and finishes the row as ignored", async () => {
    const { deps, fake, statuses, store } = setUp();
    await deps.store.inbox.insert(fakeMessage(), Date.now());
    expect(await admit("fake:m1", fakeMessage(), deps, silentLogger)).toEqual({ type: "refused" });
    expect(fake.sends()).toHaveLength(1);
    const request = await store.pairing.find({ platform: "fake", chatId: undefined, userId: "u1" });
    expect(fake.sends()[0]!.text).toContain(request!.code);
    expect(statuses).toEqual(["fake:m1=ignored"]);
  });

  it("drops an unaddressed group message without a word", async () => {
    const { deps, fake, statuses } = setUp({ group: "mention" });
    const admission = await admit("fake:m1", fakeMessage({ conversation: fakeGroup }), deps, silentLogger);
    expect(admission).toEqual({ type: "refused" });
    expect(fake.sends()).toEqual([]);
    expect(statuses).toEqual(["fake:m1=ignored"]);
  });

  it("lets in an unaddressed group voice note that says the bot's name, with its transcript kept", async () => {
    const { deps, store } = setUp({ group: "mention" }, fakeMedia({ transcript: "hey pincer bot, what time is it" }));
    const note = fakeMessage({ conversation: fakeGroup, text: "", attachments: [voiceNote()] });
    await store.inbox.insert(note, Date.now());
    const admission = await admit("fake:m1", note, deps, silentLogger);
    expect(admission.type).toBe("admitted");
    const heard = admission.type === "admitted" ? admission.message.attachments[0] : undefined;
    expect(heard).toMatchObject({ type: "audio", transcript: "hey pincer bot, what time is it" });
    // Kept in the inbox: a re-run after a crash does not transcribe it again.
    const { received } = await store.inbox.recover();
    expect(received[0]!.message.attachments[0]).toMatchObject({ transcript: "hey pincer bot, what time is it" });
  });

  it("drops a group voice note that does not name the bot", async () => {
    const { deps, statuses } = setUp({ group: "mention" }, fakeMedia({ transcript: "see you tomorrow" }));
    const note = fakeMessage({ conversation: fakeGroup, text: "", attachments: [voiceNote()] });
    expect(await admit("fake:m1", note, deps, silentLogger)).toEqual({ type: "refused" });
    expect(statuses).toEqual(["fake:m1=ignored"]);
  });

  it("reads a paired sender's pairing and remembered language in one round trip", async () => {
    const { deps, store } = setUp();
    await store.pairing.save({
      platform: "fake", chatId: undefined, userId: "u1", displayName: "Ada", code: "ABCD2345", createdAt: 0, expiresAt: Date.now() + 60_000, lastSentAt: 0, approvedAt: undefined,
    });
    await store.pairing.approve("fake", "ABCD2345", Date.now());
    const reads: string[] = [];
    const answeredLater = <Args extends unknown[], Result>(name: string, read: (...args: Args) => Promise<Result>) => async (...args: Args) => {
      reads.push(`sent ${name}`);
      const result = await read(...args);
      await new Promise((resolve) => setTimeout(resolve, 5));
      reads.push(`answered ${name}`);
      return result;
    };
    store.pairing.find = answeredLater("pairing", store.pairing.find.bind(store.pairing));
    store.adapterState.get = answeredLater("language", store.adapterState.get.bind(store.adapterState)) as typeof store.adapterState.get;
    const message = fakeMessage({ sender: { id: "u1", displayName: "Ada", isBot: false, locale: "zh-CN" } });
    expect(await admit("fake:m1", message, deps, silentLogger)).toMatchObject({ type: "admitted", role: "member" });
    expect(reads.slice(0, 2).sort()).toEqual(["sent language", "sent pairing"]);
  });

  it("writes an admin's DM and language when they change, not on every message", async () => {
    const { deps, store } = setUp({ admins: ["fake:u1"] });
    const writes: string[] = [];
    const remember = store.contacts.remember.bind(store.contacts);
    const set = store.adapterState.set.bind(store.adapterState);
    store.contacts.remember = async (...args) => {
      writes.push(`contact ${args[1].chatId}`);
      return remember(...args);
    };
    store.adapterState.set = async (...args) => {
      writes.push(`language ${String(args[2])}`);
      return set(...args);
    };
    const from = (locale: "en" | "zh-CN", conversation = fakeMessage().conversation) =>
      fakeMessage({ conversation, sender: { id: "u1", displayName: "Ada", isBot: false, locale } });
    await admit("fake:m1", from("en"), deps, silentLogger);
    await admit("fake:m2", from("en"), deps, silentLogger);
    await admit("fake:m3", from("zh-CN"), deps, silentLogger);
    await admit("fake:m4", from("zh-CN", { platform: "fake", chatId: "c2", kind: "direct" }), deps, silentLogger);
    expect(writes).toEqual(["language en", "contact c1", "language zh-CN", "contact c2"]);
  });

  it("remembers an admin's DM as the place their approval requests go", async () => {
    const { deps, store } = setUp({ admins: ["fake:u1"] });
    expect(await admit("fake:m1", fakeMessage(), deps, silentLogger)).toMatchObject({ type: "admitted", role: "admin" });
    expect(await store.contacts.find("fake:u1")).toMatchObject({ platform: "fake", chatId: "c1" });
  });
});
