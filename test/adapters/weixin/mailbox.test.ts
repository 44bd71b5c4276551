import { afterEach, describe, expect, it } from "vitest";
import type { Cdn } from "../../../adapters/weixin/cdn.ts";
import type { IlinkClient } from "../../../adapters/weixin/client.ts";
import { createMailbox } from "../../../adapters/weixin/mailbox.ts";
import type { StepSender } from "../../../adapters/weixin/outbound.ts";
import { createWindowStore, type WindowStore } from "../../../adapters/weixin/window-store.ts";
import { readReplyMedia } from "../../../adapters/kit/local-media.ts";
import { createLogger } from "../../../core/logger.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { Store } from "../../../core/store/store.ts";
import { collectingLog } from "../../support/recording-logger.ts";

const logger = createLogger({ level: "silent", secrets: [], destination: collectingLog().destination });
const owner = "owner@im.wechat";

let mainStore: Store | undefined;
afterEach(() => {
  mainStore?.close();
  mainStore = undefined;
});

/** ClawBot's window store on a fresh main store (adapter state and the outbox). */
function openWindowStore(): WindowStore {
  mainStore = createSqliteStore(":memory:");
  return createWindowStore({ state: mainStore.adapterState, waitingReplies: mainStore.outbox, now: Date.now });
}

/** A sender whose sendmessage always succeeds and records the text; media uploads succeed when the file can be read. */
function recordingSender() {
  const texts: string[] = [];
  let media = 0;
  const client = {
    async sendMessage(_to: string, _token: string, clientId: string, item: { text_item?: { text: string } }) {
      if (item.text_item) texts.push(item.text_item.text);
      else media += 1;
      return { message_id: clientId };
    },
  } as unknown as IlinkClient;
  const cdn = {
    async upload() {
      return { media: { encrypt_query_param: "dl-1", aes_key: "a2V5", encrypt_type: 1 }, ciphertextSizeBytes: 16, plaintextSizeBytes: 3 };
    },
  } as unknown as Cdn;
  const sender: StepSender = {
    client,
    cdn,
    readMedia: (ref) =>
      readReplyMedia(
        ref,
        async () => {
          throw new Error("not used");
        },
        20 * 1024 * 1024,
      ),
  };
  return { sender, texts, mediaCount: () => media };
}

describe("the ClawBot mailbox", () => {
  it("does not let a parked file that can no longer be read hold back later replies", async () => {
    const store = openWindowStore();
    const { sender, texts } = recordingSender();
    const mailbox = createMailbox({
      store,
      sender: () => sender,
      limits: { contextTokenTtlMs: 240_000, sendsPerMessage: 10 },
      logger,
      now: Date.now,
      onSessionExpired: () => undefined,
    });
    // No window yet (the token went stale, say): the file and its caption are parked.
    const gone = { platform: "local", id: "/nonexistent/pincer-test/report.pdf", fileName: "report.pdf" };
    expect(await mailbox.send(owner, { type: "file", media: gone, caption: "The report" })).toMatch(/^parked:/);
    // The user writes again; the file was deleted meanwhile.
    await mailbox.noteInbound(owner, "ctx-2");
    expect(await mailbox.send(owner, { type: "markdown", text: "the new answer" })).not.toMatch(/^parked:/);
    expect(texts).toEqual(["(a reply that was waiting)\nThe report", "the new answer"]);
    expect(await store.parked(owner)).toEqual([]);
  });

  it("skips a step that cannot be sent in the middle of a part, and sends the rest", async () => {
    const store = openWindowStore();
    const { sender, texts } = recordingSender();
    const mailbox = createMailbox({
      store,
      sender: () => sender,
      limits: { contextTokenTtlMs: 240_000, sendsPerMessage: 10 },
      logger,
      now: Date.now,
      onSessionExpired: () => undefined,
    });
    await mailbox.noteInbound(owner, "ctx-1");
    const gone = { platform: "local", id: "/nonexistent/pincer-test/chart.png" };
    await mailbox.send(owner, { type: "image", media: gone, caption: "The chart" });
    expect(await mailbox.send(owner, { type: "markdown", text: "next" })).not.toMatch(/^parked:/);
    expect(texts).toEqual(["The chart", "next"]);
    expect(await store.parked(owner)).toEqual([]);
  });
});
