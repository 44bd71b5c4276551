import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { openWebChat, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

const jobIdIn = (text: string) => /job ([a-z0-9]{5})/.exec(text)![1]!;

describe("jobs through the web chat", () => {
  it("/in 2s runs the prompt once, about 2 s later, in the same chat", async () => {
    ({ gateway } = await startTestGateway());
    const chat = await openWebChat(gateway);
    const askedAt = Date.now();
    await chat.say("/in 2s /echo later");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Scheduled job")));
    expect(chat.texts().includes("later")).toBe(false);
    await chat.waitFor(() => chat.texts().includes("later"), 6000);
    const firedAfterMs = Date.now() - askedAt;
    expect(firedAfterMs).toBeGreaterThanOrEqual(1900);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(chat.texts().filter((text) => text === "later")).toHaveLength(1);
    await chat.say("/jobs");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Jobs in this chat")));
    expect(chat.texts().find((text) => text.startsWith("Jobs in this chat"))).toMatch(/finished · last .*: delivered/);
    await chat.close();
  });

  it("/every 1s fires at least 3 times in 4 s and stops after /cancel", async () => {
    ({ gateway } = await startTestGateway({ PINCER_MIN_INTERVAL_SEC: "1" }));
    const chat = await openWebChat(gateway);
    await chat.say("/every 1s /echo tick");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Scheduled job")));
    const id = jobIdIn(chat.texts().find((text) => text.startsWith("Scheduled job"))!);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(chat.texts().filter((text) => text === "tick").length).toBeGreaterThanOrEqual(3);
    await chat.say(`/cancel ${id}`);
    await chat.waitFor(() => chat.texts().includes(`Cancelled job ${id}.`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ticks = chat.texts().filter((text) => text === "tick").length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(chat.texts().filter((text) => text === "tick").length).toBe(ticks);
    await chat.say("/jobs");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Jobs in this chat") || text.startsWith("No jobs")));
    await chat.close();
  });

  it("/bg leaves the chat free: a second message is answered while the background run works, whose answer comes once", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 40, wordsPerDelta: 1 }) }));
    const chat = await openWebChat(gateway);
    const words = Array.from({ length: 40 }, (_, index) => `w${index}`).join(" ");
    await chat.say(`/bg /echo ${words}`);
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Working on it in the background")));
    await chat.say("/echo meanwhile");
    await chat.waitFor(() => chat.texts().includes("meanwhile"));
    expect(chat.texts().includes(words)).toBe(false);
    await chat.waitFor(() => chat.texts().includes(words), 8000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chat.texts().filter((text) => text === words)).toHaveLength(1);
    await chat.close();
  });

  it("answers bad input with one line and stores nothing", async () => {
    ({ gateway } = await startTestGateway());
    const chat = await openWebChat(gateway);
    const table: [string, RegExp][] = [
      ["/every 0s /echo x", /^"0s" is not a duration\. Usage: \/every/],
      ["/every 10s /echo x", /^The shortest repeat is 1m\. Usage: \/every/],
      ['/cron "61 * * * *" /echo x', /^Not a cron expression: .*minute.*Usage: \/cron/],
      ["/cron 0 9 * * * /echo x", /^Put the cron expression in quotes\./],
      ['/cron "0 9 * *" /echo x', /^Not a cron expression: a cron expression has 5 fields/],
      ["/at 25:00 /echo x", /^Expected a time as HH:MM/],
      ["/at 2020-01-01 10:00 /echo x", /has passed/],
      ["/at 2030-02-30 10:00 /echo x", /is not a date/],
      ["/in 20m", /^What should I do then\? The prompt is missing\. Usage: \/in/],
      ["/in soon /echo x", /^"soon" is not a duration/],
      ["/in", /^Usage: \/in/],
      ["/bg", /prompt is missing/],
      ["/tz Mars/Olympus", /^Unknown time zone "Mars\/Olympus"/],
      ["/cancel", /^Usage: \/cancel <id>/],
      ["/cancel zzzzz", /^There is no job zzzzz in this chat/],
      ["/pause zzzzz", /^There is no job zzzzz in this chat/],
    ];
    for (const [input, expected] of table) {
      const before = chat.texts().length;
      await chat.say(input);
      await chat.waitFor(() => chat.texts().length > before);
      const answer = chat.texts().at(-1)!;
      expect(answer, input).toMatch(expected);
      expect(answer.includes("\n"), input).toBe(false);
    }
    expect(await gateway.store.jobs.list({})).toEqual([]);
    await chat.close();
  });

  it("/tz sets the zone /at reads times in, and /jobs shows them in it; /pause and /resume", async () => {
    ({ gateway } = await startTestGateway({ PINCER_TIMEZONE: "UTC" }));
    const chat = await openWebChat(gateway);
    await chat.say("/tz Asia/Shanghai");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Your time zone is now Asia/Shanghai")));
    await chat.say("/at 2030-06-01 09:30 /echo stand up");
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith("Scheduled job")));
    const created = chat.texts().find((text) => text.startsWith("Scheduled job"))!;
    expect(created).toContain("2030-06-01 09:30 (Asia/Shanghai)");
    const [job] = await gateway.store.jobs.list({});
    expect(job!.nextRunAt).toBe(Date.UTC(2030, 5, 1, 1, 30));
    await chat.say(`/pause ${job!.id}`);
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith(`Paused job ${job!.id}`)));
    await chat.say(`/resume ${job!.id}`);
    await chat.waitFor(() => chat.texts().some((text) => text.startsWith(`Resumed job ${job!.id}: next run 2030-06-01 09:30`)));
    await chat.close();
  });
});
