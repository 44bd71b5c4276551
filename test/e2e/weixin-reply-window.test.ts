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

describe("the ClawBot reply window", () => {
  it("parks an answer that outlived its context token and delivers it, once, before the next answer", async () => {
    fake = await startFakeIlink({ contextTokenTtlMs: 300 });
    const slow = scriptedAgent(
      (input) => (input.text === "slow question" ? "the slow answer" : `quick: ${input.text}`),
      (input) => (input.text === "slow question" ? 600 : 0),
    );
    ({ gateway } = await startWeixinGateway(fake, {}, { agent: slow.agent }));
    fake.push({ items: [text("slow question")] });
    await eventually(() => fake!.refused.length === 1, 4000);
    expect(fake.sent).toHaveLength(0);
    const second = fake.push({ items: [text("are you there?")] });
    await eventually(() => fake!.sent.length === 2, 4000);
    expect(fake.texts()).toEqual(["(a reply that was waiting)\nthe slow answer", "quick: are you there?"]);
    expect(fake.sent.every((record) => record.contextToken === second.context_token)).toBe(true);
    await settle(300);
    expect(fake.sent).toHaveLength(2);
  });

  it("parks the parts past the send budget and delivers them after a restart, on the next message, once", async () => {
    fake = await startFakeIlink();
    const paragraph = (n: number) => `Paragraph ${n}. ${"word ".repeat(700)}`.trim();
    const long = [1, 2, 3].map(paragraph).join("\n\n");
    const first = scriptedAgent((input) => (input.text === "tell me everything" ? long : `short: ${input.text}`));
    const started = await startWeixinGateway(fake, { WEIXIN_SENDS_PER_MESSAGE: "2" }, { agent: first.agent });
    gateway = started.gateway;
    fake.push({ items: [text("tell me everything")] });
    await eventually(() => fake!.sent.length === 2, 4000);
    await settle(300);
    expect(fake.sent).toHaveLength(2);
    expect(fake.refused).toHaveLength(0);
    expect(fake.texts()[0]).toMatch(/^Paragraph 1\./);
    await gateway.stop();
    gateway = undefined;

    const second = scriptedAgent((input) => `short: ${input.text}`);
    ({ gateway } = await startWeixinGateway(fake, { WEIXIN_SENDS_PER_MESSAGE: "2" }, { agent: second.agent }, started.dataDir));
    await settle(200);
    expect(fake.sent).toHaveLength(2);
    fake.push({ items: [text("and?")] });
    await eventually(() => fake!.sent.length === 4, 4000);
    const texts = fake.texts();
    expect(texts[2]).toMatch(/^\(a reply that was waiting\)\nParagraph 3\./);
    expect(texts[3]).toBe("short: and?");
    await settle(300);
    expect(fake.sent).toHaveLength(4);
    expect(second.inputs.map((input) => input.text)).toEqual(["and?"]);
  });
});
