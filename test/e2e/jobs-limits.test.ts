import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { openWebChat, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let model: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await model?.close();
  gateway = undefined;
  model = undefined;
});

const jobIdIn = (text: string) => /job ([a-z0-9]{5})/.exec(text)![1]!;

describe("job limits", () => {
  it("PINCER_MAX_JOBS_PER_USER (default 20): the 21st job is refused in one line and not stored; a cancelled one makes room", async () => {
    ({ gateway } = await startTestGateway());
    const chat = await openWebChat(gateway);
    const scheduled = () => chat.texts().filter((text) => text.startsWith("Scheduled job"));
    for (let index = 1; index <= 20; index += 1) {
      await chat.say(`/in 1h /echo reminder ${index}`);
      await chat.waitFor(() => scheduled().length === index);
    }
    expect(await gateway.store.jobs.list({})).toHaveLength(20);

    const before = chat.texts().length;
    await chat.say("/in 1h /echo one too many");
    await chat.waitFor(() => chat.texts().length > before);
    expect(chat.texts().at(-1)).toBe("You have 20 jobs already (the most allowed): /cancel one first.");
    expect(await gateway.store.jobs.list({})).toHaveLength(20);
    expect((await gateway.store.jobs.list({})).some((job) => job.prompt.includes("one too many"))).toBe(false);

    // A background run is not a job the limit counts: it still starts.
    await chat.say("/bg /echo still free");
    await chat.waitFor(() => chat.texts().includes("still free"));

    await chat.say(`/cancel ${jobIdIn(scheduled()[0]!)}`);
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Cancelled job")));
    await chat.say("/in 1h /echo now there is room");
    await chat.waitFor(() => scheduled().length === 21);
    expect((await gateway.store.jobs.list({})).some((job) => job.prompt.includes("now there is room"))).toBe(true);
    await chat.close();
  });

  it("PINCER_JOB_MAX_TOKENS: a job run stops at its token cap, makes no further model call and tells the owner", async () => {
    model = await startFakeOpenAI();
    ({ gateway } = await startTestGateway({
      OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini", WORKSPACE_DIR: join(tempDataDir(), "workspace"),
      PINCER_JOB_MAX_TOKENS: "1000",
    }));
    // A model that keeps calling a harmless tool, 610 tokens a call: the cap of 1,000 is crossed on the second call.
    const loop = { type: "tool-calls" as const, calls: [{ name: "list_files", arguments: {} }], usage: { inputTokens: 600, outputTokens: 10 } };
    model.script(loop, loop, loop, loop, loop, { type: "text", text: "Never reached." });
    const chat = await openWebChat(gateway);
    await chat.say("/in 1s look around the workspace forever");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Scheduled job")));
    const id = jobIdIn(chat.texts().find((text) => text.startsWith("Scheduled job"))!);

    const told = `Job ${id} was stopped at 1,220 tokens (PINCER_JOB_MAX_TOKENS is 1,000).`;
    await chat.waitFor(() => chat.texts().includes(told), 8000);
    expect(model.chatRequests()).toHaveLength(2);
    expect(chat.texts().includes("Never reached.")).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(model.chatRequests()).toHaveLength(2);
    expect(chat.texts().filter((text) => text === told)).toHaveLength(1);

    await chat.say("/jobs");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Jobs in this chat")));
    expect(chat.texts().find((text) => text.startsWith("Jobs in this chat"))).toContain("failed: stopped at 1,220 tokens");
    await chat.close();
  });
});
