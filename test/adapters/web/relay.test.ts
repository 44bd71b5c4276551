import { describe, expect, it } from "vitest";
import { createWebRelay, webEventsTopic } from "../../../adapters/web/relay.ts";
import { createLocalBroadcast } from "../../../core/store/broadcast.ts";
import type { WebEvent } from "../../../adapters/web/subscribers.ts";
import { silentLogger } from "../../support/recording-logger.ts";

function process_(broadcast = createLocalBroadcast()) {
  const delivered: { conversationId: string; event: WebEvent }[] = [];
  const relay = createWebRelay({ broadcast, logger: silentLogger, deliver: (conversationId, event) => delivered.push({ conversationId, event }) });
  return { relay, delivered };
}

describe("the web chat's events across processes", () => {
  it("gives an event to the pages of the process that sent it once, and to every other process's pages once", async () => {
    const broadcast = createLocalBroadcast();
    const a = process_(broadcast);
    const b = process_(broadcast);
    await a.relay.start();
    await b.relay.start();
    await b.relay.emit("conv1", { type: "message", messageId: "m1", part: { type: "text", text: "hello" } });
    await b.relay.emit("conv1", { type: "edit", messageId: "m1", part: { type: "text", text: "hello there" } });
    const expected = [
      { conversationId: "conv1", event: { type: "message", messageId: "m1", part: { type: "text", text: "hello" } } },
      { conversationId: "conv1", event: { type: "edit", messageId: "m1", part: { type: "text", text: "hello there" } } },
    ];
    expect(a.delivered).toEqual(expected);
    expect(b.delivered).toEqual(expected);
  });

  it("still shows events on its own pages when there is no broadcast (one process, as before)", async () => {
    const delivered: string[] = [];
    const relay = createWebRelay({ broadcast: undefined, logger: silentLogger, deliver: (id) => delivered.push(id) });
    await relay.start();
    await relay.emit("conv1", { type: "typing" });
    expect(delivered).toEqual(["conv1"]);
  });

  it("ignores what another process sent that is not a web chat event or names an impossible conversation", async () => {
    const broadcast = createLocalBroadcast();
    const a = process_(broadcast);
    await a.relay.start();
    await broadcast.publish(webEventsTopic, "not json");
    await broadcast.publish(webEventsTopic, JSON.stringify({ origin: "x", conversationId: "../etc", event: { type: "typing" } }));
    await broadcast.publish(webEventsTopic, JSON.stringify({ origin: "x", conversationId: "c", event: { type: "script" } }));
    expect(a.delivered).toEqual([]);
  });

  it("stops relaying once stopped", async () => {
    const broadcast = createLocalBroadcast();
    const a = process_(broadcast);
    const b = process_(broadcast);
    await a.relay.start();
    await b.relay.start();
    a.relay.stop();
    await b.relay.emit("conv1", { type: "typing" });
    expect(a.delivered).toEqual([]);
  });
});
