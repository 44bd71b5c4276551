import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { alice, bob, bot, channelId, guildId, startFakeDiscord, type FakeDiscord } from "../fakes/discord.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { eventually } from "../support/eventually.ts";
import { startDiscordGateway } from "../support/discord.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeDiscord | undefined;
let model: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  await model?.close();
  gateway = fake = model = undefined;
});

interface ButtonRow {
  type: number;
  components: { type: number; style: number; label: string; custom_id: string }[];
}

describe("approvals in Discord: buttons and the typed command", () => {
  it("a member's press is refused ephemerally; the admin's press resolves `shell`, which then runs once", async () => {
    fake = await startFakeDiscord();
    model = await startFakeOpenAI();
    const workspaceDir = join(tempDataDir(), "workspace");
    ({ gateway } = await startDiscordGateway(fake, {
      PINCER_ADMINS: `discord:${alice.id}`,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "sk-test-fake-key-0000",
      OPENAI_MODEL: "gpt-4o-mini",
      WORKSPACE_DIR: workspaceDir,
    }));
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo discord-approved > proof.txt" } }] },
      { type: "text", text: "Done: proof.txt written." },
    );
    const inGuild = { guild_id: guildId, channel_id: channelId, member: { nick: null, roles: [] } };
    const asked = fake.messageCreate({ ...inGuild, content: `<@${bot.id}> write a proof file` });

    // The LLM agent's first run loads its tokenizer: on a busy machine that takes seconds.
    await eventually(() => fake!.messages.some((message) => message.components !== undefined), 20_000);
    const request = fake.messages.find((message) => message.components !== undefined)!;
    expect(request.channelId).toBe(asked.id);
    expect(request.content).toContain("echo discord-approved > proof.txt");
    const rows = request.components as ButtonRow[];
    const approve = rows[0]!.components.find((button) => button.label === "Approve")!;
    expect(approve).toMatchObject({ type: 2, style: 1 });
    expect(approve.custom_id).toMatch(/^approve [a-z0-9]{4,6}$/);
    const press = (user: typeof alice) =>
      fake!.interactionCreate({ type: 3, user, guild_id: guildId, channel_id: asked.id, data: { custom_id: approve.custom_id, component_type: 2 }, message: { id: request.id } });

    const byBob = press(bob);
    await eventually(() => fake!.messages.some((message) => message.interactionId === byBob.id), 5000);
    const refusal = fake.messages.find((message) => message.interactionId === byBob.id)!;
    expect(refusal.content).toMatch(/Only an admin can approve/);
    expect(refusal.flags).toBe(1 << 6);
    expect(fake.acknowledged.has(byBob.id)).toBe(true);
    expect(existsSync(join(workspaceDir, "proof.txt"))).toBe(false);

    const byAlice = press(alice);
    await eventually(() => fake!.textsIn(asked.id).some((text) => text.includes("Done: proof.txt written.")), 8000);
    await gateway.pipeline.idle();
    expect(readFileSync(join(workspaceDir, "proof.txt"), "utf8")).toBe("discord-approved\n");
    expect(fake.acknowledged.has(byAlice.id)).toBe(true);
    expect(fake.callsTo("POST", new RegExp(`/interactions/${byAlice.id}/`))[0]!.body).toEqual({ type: 6 });
    expect(model.chatRequests()).toHaveLength(2);
  }, 40_000);

  it("a typed /approve <id> works too: a member's is refused, the admin's resolves `shell`", async () => {
    fake = await startFakeDiscord();
    model = await startFakeOpenAI();
    const workspaceDir = join(tempDataDir(), "workspace");
    ({ gateway } = await startDiscordGateway(fake, {
      PINCER_ADMINS: `discord:${alice.id}`,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "sk-test-fake-key-0000",
      OPENAI_MODEL: "gpt-4o-mini",
      WORKSPACE_DIR: workspaceDir,
    }));
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo typed-approval > proof.txt" } }] },
      { type: "text", text: "Done: typed proof written." },
    );
    const inGuild = { guild_id: guildId, channel_id: channelId, member: { nick: null, roles: [] } };
    const asked = fake.messageCreate({ ...inGuild, content: `<@${bot.id}> write a proof file` });
    await eventually(() => fake!.messages.some((message) => message.components !== undefined), 20_000);
    const request = fake.messages.find((message) => message.components !== undefined)!;
    const id = /approve ([a-z0-9]{4,6})/.exec(JSON.stringify(request.components))![1]!;
    expect(request.content).toContain(id);

    // In the thread the bot opened, Bob (a member) types the command: refused, nothing runs.
    fake.messageCreate({ guild_id: guildId, channel_id: asked.id, author: bob, content: `/approve ${id}` });
    await eventually(() => fake!.textsIn(asked.id).some((text) => /Only an admin can approve/.test(text)), 5000);
    expect(existsSync(join(workspaceDir, "proof.txt"))).toBe(false);

    fake.messageCreate({ guild_id: guildId, channel_id: asked.id, author: alice, content: `/approve ${id}` });
    await eventually(() => fake!.textsIn(asked.id).some((text) => text.includes("Done: typed proof written.")), 8000);
    await gateway.pipeline.idle();
    expect(readFileSync(join(workspaceDir, "proof.txt"), "utf8")).toBe("typed-approval\n");
    expect(model.chatRequests()).toHaveLength(2);
  }, 40_000);

  it("the /approve slash command resolves `shell` too, answered under the command", async () => {
    fake = await startFakeDiscord();
    model = await startFakeOpenAI();
    const workspaceDir = join(tempDataDir(), "workspace");
    ({ gateway } = await startDiscordGateway(fake, {
      PINCER_ADMINS: `discord:${alice.id}`,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "sk-test-fake-key-0000",
      OPENAI_MODEL: "gpt-4o-mini",
      WORKSPACE_DIR: workspaceDir,
    }));
    model.script(
      { type: "tool-calls", calls: [{ name: "shell", arguments: { command: "echo slash-approval > proof.txt" } }] },
      { type: "text", text: "Done: slash proof written." },
    );
    const asked = fake.messageCreate({ guild_id: guildId, channel_id: channelId, member: { nick: null, roles: [] }, content: `<@${bot.id}> write a proof file` });
    await eventually(() => fake!.messages.some((message) => message.components !== undefined), 20_000);
    const request = fake.messages.find((message) => message.components !== undefined)!;
    const id = /approve ([a-z0-9]{4,6})/.exec(JSON.stringify(request.components))![1]!;
    const command = fake.interactionCreate({ type: 2, user: alice, guild_id: guildId, channel_id: asked.id, data: { id: "800000000000000020", name: "approve", type: 1, options: [{ name: "id", type: 3, value: id }] } });
    await eventually(() => fake!.messages.some((message) => message.interactionId === command.id), 5000);
    expect(fake.messages.find((message) => message.interactionId === command.id)!.content).toMatch(/Approved/);
    await eventually(() => fake!.textsIn(asked.id).some((text) => text.includes("Done: slash proof written.")), 8000);
    await gateway.pipeline.idle();
    expect(readFileSync(join(workspaceDir, "proof.txt"), "utf8")).toBe("slash-approval\n");
  }, 40_000);
});
