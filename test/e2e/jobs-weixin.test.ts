import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { eventually } from "../support/eventually.ts";
import { startFakeIlink, type FakeIlink } from "../fakes/weixin-ilink.ts";
import { scriptedAgent, startWeixinGateway } from "../support/weixin-gateway.ts";

let gateway: Gateway | undefined;
let fake: FakeIlink | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

const text = (value: string) => ({ type: 1, text_item: { text: value } });
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("jobs on ClawBot, which sends only inside the user's reply window", () => {
  it("parks a job's answer that comes outside the window, says so in /jobs, and delivers it with the next inbound message, once", async () => {
    fake = await startFakeIlink({ contextTokenTtlMs: 1500 });
    const agent = scriptedAgent((input) => (input.text === "remind me" ? "your reminder" : `quick: ${input.text}`));
    ({ gateway } = await startWeixinGateway(fake, {}, { agent: agent.agent }));
    fake.push({ items: [text("/in 2s remind me")] });
    await eventually(() => fake!.texts().some((each) => each!.startsWith("Scheduled job")), 4000);
    const [job] = await gateway.store.jobs.list({});
    await eventually(() => fake!.refused.length === 1, 5000);
    let parked = await gateway.store.jobs.get(job!.id);
    for (let tries = 0; !parked?.lastRun && tries < 100; tries += 1) {
      await settle(30);
      parked = await gateway.store.jobs.get(job!.id);
    }
    expect(parked!.lastRun).toMatchObject({ outcome: "parked" });
    const sentBefore = fake.sent.length;
    fake.push({ items: [text("/jobs")] });
    await eventually(() => fake!.sent.length >= sentBefore + 2, 4000);
    const texts = fake.texts();
    expect(texts.filter((each) => each!.includes("your reminder"))).toHaveLength(1);
    expect(texts.find((each) => each!.includes("your reminder"))).toMatch(/^\(a reply that was waiting\)\nyour reminder/);
    expect(texts.at(-1)).toMatch(/waiting for your next message/);
    await settle(300);
    expect(fake.texts().filter((each) => each!.includes("your reminder"))).toHaveLength(1);
  });
});
