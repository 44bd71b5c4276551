import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "../../core/config.ts";
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

async function startWithModel(env: Env = {}) {
  model = await startFakeOpenAI();
  ({ gateway } = await startTestGateway({
    OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini", WORKSPACE_DIR: join(tempDataDir(), "workspace"),
    PINCER_TIMEZONE: "Asia/Shanghai", ...env,
  }));
  return { gateway, model };
}

const toolMessages = (fake: FakeOpenAI) =>
  fake.chatRequests().flatMap((request) => request.body.messages.filter((message) => message.role === "tool").map((message) => String(message.content)));

describe("the schedule tool of the LLM agent", () => {
  it("asks for approval like other medium-risk tools, then schedules the job with the command rules", async () => {
    const { gateway, model } = await startWithModel();
    model.script(
      { type: "tool-calls", calls: [{ name: "schedule", arguments: { action: "create", kind: "cron", when: "0 9 * * 1-5", prompt: "remind me to stand up" } }] },
      { type: "text", text: "Done: every weekday at 9." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("remind me every weekday at 9 to stand up");
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "buttons"));
    const request = chat.botMessages().find((message) => message.part.type === "buttons")!.part as { text: string };
    expect(request.text).toContain("schedule cron 0 9 * * 1-5: remind me to stand up");
    expect(await gateway.store.jobs.list({})).toEqual([]);
    await chat.say(`/approve ${/\/approve ([a-z0-9]{5})/.exec(request.text)![1]}`);
    await chat.waitFor(() => chat.texts().includes("Done: every weekday at 9."));
    const [job] = await gateway.store.jobs.list({});
    expect(job).toMatchObject({ schedule: { type: "cron", expr: "0 9 * * 1-5" }, prompt: "remind me to stand up", creatorRef: "web:owner", timezone: "Asia/Shanghai" });
    expect(new Date(job!.nextRunAt!).getUTCHours()).toBe(1);
    expect(toolMessages(model)[0]).toMatch(/Scheduled job [a-z0-9]{5}: cron "0 9 \* \* 1-5" \(Asia\/Shanghai\)/);
    await chat.close();
  });

  it("runs without asking when the owner auto-approves; bad input reaches the model as one line and stores nothing", async () => {
    const { gateway, model } = await startWithModel({ PINCER_OWNER_AUTO_APPROVE: "true" });
    model.script(
      { type: "tool-calls", calls: [{ name: "schedule", arguments: { action: "create", kind: "every", when: "0s", prompt: "spam" } }] },
      { type: "text", text: "That did not work." },
      { type: "tool-calls", calls: [{ name: "schedule", arguments: { action: "create", kind: "in", when: "20m", prompt: "check the deploy log" } }] },
      { type: "tool-calls", calls: [{ name: "schedule", arguments: { action: "list" } }] },
      { type: "text", text: "Scheduled." },
    );
    const chat = await openWebChat(gateway);
    await chat.say("spam me");
    await chat.waitFor(() => chat.texts().includes("That did not work."));
    expect(toolMessages(model)[0]).toContain('Not scheduled: "0s" is not a duration. Usage: /every');
    expect(await gateway.store.jobs.list({})).toEqual([]);
    await chat.say("in 20 minutes check the deploy log");
    await chat.waitFor(() => chat.texts().includes("Scheduled."));
    expect(chat.botMessages().some((message) => message.part.type === "buttons")).toBe(false);
    expect(await gateway.store.jobs.list({})).toHaveLength(1);
    expect(toolMessages(model).find((text) => text.includes("Jobs in this chat"))).toMatch(/once at [^·]*— "check the deploy log"/);
    await chat.close();
  });
});

describe("a job's own session", () => {
  it("gives each job its own session: the chat's history does not ride along, and the job's runs do not join the chat's", async () => {
    const { gateway, model } = await startWithModel({ PINCER_MIN_INTERVAL_SEC: "1" });
    const chat = await openWebChat(gateway);
    await chat.say("the chat secret is platypus");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Fake answer")));
    await chat.say("/every 1s report the weather");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Scheduled job")));
    const id = /job ([a-z0-9]{5})/.exec(chat.texts().find((text) => text.startsWith("Scheduled job"))!)![1]!;
    const asText = (request: ReturnType<FakeOpenAI["chatRequests"]>[number]) => JSON.stringify(request.body.messages);
    const jobRequests = () => model.chatRequests().filter((request) => asText(request).includes("report the weather"));
    await chat.waitFor(() => jobRequests().length >= 2, 8000);
    await chat.say(`/cancel ${id}`);
    await chat.waitFor(() => chat.texts().includes(`Cancelled job ${id}.`));
    await gateway.pipeline.idle();

    for (const request of jobRequests()) expect(asText(request)).not.toContain("platypus");
    // The second run sees the first one: the job's own history.
    expect(asText(jobRequests()[1]!).split("report the weather").length - 1).toBeGreaterThanOrEqual(2);

    const before = model.chatRequests().length;
    await chat.say("what is the chat secret?");
    await chat.waitFor(() => model.chatRequests().length > before && chat.texts().filter((text) => text.startsWith("Fake answer")).length > 1, 8000);
    const chatRequest = model.chatRequests().slice(before).find((request) => asText(request).includes("what is the chat secret?"))!;
    expect(asText(chatRequest)).toContain("platypus");
    expect(asText(chatRequest)).not.toContain("report the weather");
    await chat.close();
  });
});
