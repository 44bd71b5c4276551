import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { slashCommands } from "../../adapters/discord/commands.ts";
import { channelId, guildId, startFakeDiscord, type FakeDiscord } from "../fakes/discord.ts";
import { eventually } from "../support/eventually.ts";
import { startDiscordGateway } from "../support/discord.ts";

let gateway: Gateway | undefined;
let fake: FakeDiscord | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

const inGuild = { guild_id: guildId, channel_id: channelId };
const options = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => ({ name, type: 3, value }));

describe("Pincer's commands as Discord slash commands", () => {
  it("registers the control, approval and job commands, and Discord's checks accept them", async () => {
    fake = await startFakeDiscord();
    ({ gateway } = await startDiscordGateway(fake, {}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    await eventually(() => fake!.registeredCommands().length > 0, 5000);
    const names = (fake.registeredCommands() as { name: string }[]).map((command) => command.name);
    expect(names).toEqual(expect.arrayContaining(["help", "new", "stop", "status", "usage", "jobs", "in", "every", "cancel", "approve", "deny"]));
    expect(fake.registeredCommands()).toEqual(slashCommands());
    expect(fake.callsTo("PUT", /\/applications\/\d+\/commands$/)).toHaveLength(1);
  }, 15_000);

  it("/in schedules a job answered under the command; it fires once in the channel; /jobs and /cancel work too", async () => {
    fake = await startFakeDiscord();
    ({ gateway } = await startDiscordGateway(fake, {}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const scheduled = fake.interactionCreate({ type: 2, data: { id: "800000000000000010", name: "in", type: 1, options: options({ duration: "2s", prompt: "/echo later" }) }, ...inGuild });
    await eventually(() => fake!.messages.some((message) => message.interactionId === scheduled.id), 5000);
    expect(fake.messages.find((message) => message.interactionId === scheduled.id)!.content).toMatch(/^Scheduled job [a-z0-9]{5}: once at/);
    await eventually(() => fake!.textsIn(channelId).includes("later"), 8000);

    const every = fake.interactionCreate({ type: 2, data: { id: "800000000000000011", name: "cron", type: 1, options: options({ schedule: "0 9 * * 1-5", prompt: "stand-up notes" }) }, ...inGuild });
    await eventually(() => fake!.messages.some((message) => message.interactionId === every.id), 5000);
    const created = fake.messages.find((message) => message.interactionId === every.id)!.content;
    expect(created).toMatch(/^Scheduled job [a-z0-9]{5}/);
    const id = /job ([a-z0-9]{5})/.exec(created)![1]!;

    const listed = fake.interactionCreate({ type: 2, data: { id: "800000000000000012", name: "jobs", type: 1 }, ...inGuild });
    await eventually(() => fake!.messages.some((message) => message.interactionId === listed.id), 5000);
    const list = fake.messages.find((message) => message.interactionId === listed.id)!.content;
    expect(list).toContain(id);
    expect(list).toContain("stand-up notes");

    const cancelled = fake.interactionCreate({ type: 2, data: { id: "800000000000000013", name: "cancel", type: 1, options: options({ id }) }, ...inGuild });
    await eventually(() => fake!.messages.some((message) => message.interactionId === cancelled.id), 5000);
    expect(fake.messages.find((message) => message.interactionId === cancelled.id)!.content).toBe(`Cancelled job ${id}.`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.textsIn(channelId).filter((text) => text === "later")).toHaveLength(1);
  }, 20_000);
});
