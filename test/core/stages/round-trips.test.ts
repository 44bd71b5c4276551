import { describe, expect, it } from "vitest";
import { createPipeline } from "../../../core/pipeline.ts";
import { countingStore, memoryStore, pipelineDeps, webAdapter, webMessage } from "./harness.ts";

describe("store round trips per message", () => {
  it("takes a web-chat /echo through the whole pipeline in few store calls", async () => {
    const { store, calls } = countingStore(memoryStore());
    const pipeline = createPipeline(pipelineDeps(store, [webAdapter()]));
    await pipeline.receive(webMessage("/echo hi", "m1"));
    await pipeline.idle();
    const trips = [...calls];
    console.log(`store round trips for one /echo: ${trips.length}\n${trips.join("\n")}`);
    expect(await store.outbox.get("web:conv1:m1:0")).toMatchObject({ status: "sent" });
    // 13 before the stages: a drained turn no longer claims the (empty) queue again before the lock's release (12);
    // the conversation lock is now a lease in the store, so any process can hold it: acquire and release (14);
    // the end of a turn (session messages, rows done, run outcome) is one write, `turns.finish` (12);
    // taking the lease claims the turn and reads the choice, opening the session records the run, giving the lease
    // back says what waits: `turns.begin`, `turns.start`, `turns.end` (8); the message just admitted is queued by
    // `turns.begin`, which claims it with the rest (7).
    expect(trips.length).toBeLessThanOrEqual(7);
    expect(trips.filter((call) => call.startsWith("turns."))).toEqual(["turns.begin", "turns.start", "turns.finish", "turns.end"]);
    expect(trips.filter((call) => /^(leases|choices|sessions|audit)\.|^inbox\.(claimQueued|hasQueued|setStatus)$/.test(call))).toEqual([]);
  });
});
