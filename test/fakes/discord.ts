import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { attachFakeDiscordGateway } from "./discord-gateway.ts";
import { alice, applicationId, bob, bot, dmChannelId, snowflake, type FakeUser } from "./discord-ids.ts";
import { createFakeDiscordRest } from "./discord-rest.ts";

/**
 * A fake Discord on 127.0.0.1, one port: the HTTP API routes the adapter uses (under `/api/v10`, `discord-rest.ts`)
 * and the gateway WebSocket (`/gateway`, `discord-gateway.ts`), and the people's side of both: their messages and
 * interactions, sent as gateway events that the REST API can answer.
 */

export { alice, applicationId, bob, bot, channelId, dmChannelId, guildId, snowflake, type FakeUser } from "./discord-ids.ts";
export type { RestCall, SentMessage } from "./discord-rest.ts";

export async function startFakeDiscord(options: { heartbeatIntervalMs?: number; /** Close every identify with this code (4014: Message Content not allowed). */ refuseIdentifyWith?: number } = {}) {
  const token = "fake-discord-token.test.0000000000";
  // The REST API and the gateway are made once the port is known (both name it); no request comes before.
  const server = createServer((request, response) => rest.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  const gateway = attachFakeDiscordGateway(server, { token, gatewayUrl, ...options });
  const rest = createFakeDiscordRest({ token, origin, gatewayUrl, dispatch: gateway.dispatch });

  /** A person's message as MESSAGE_CREATE (a DM unless `guild_id` is given). */
  const messageCreate = (fields: Record<string, unknown> & { content?: string; author?: FakeUser }) => {
    const content = fields.content ?? "";
    const mentioned = [...content.matchAll(/<@!?(\d+)>/g)].map((found) => [bot, alice, bob].find((user) => user.id === found[1])).filter(Boolean);
    const payload = {
      id: snowflake(),
      channel_id: dmChannelId,
      author: alice,
      content,
      timestamp: new Date().toISOString(),
      type: 0,
      flags: 0,
      mentions: mentioned,
      mention_roles: [],
      mention_everyone: false,
      attachments: [],
      embeds: [],
      pinned: false,
      tts: false,
      ...fields,
    };
    gateway.dispatch("MESSAGE_CREATE", payload);
    return payload;
  };

  /** An interaction (a slash command or a button press) as INTERACTION_CREATE. */
  const interactionCreate = (fields: { type: 2 | 3; data: Record<string, unknown>; user?: FakeUser; channel_id?: string; guild_id?: string; message?: unknown }) => {
    const id = snowflake();
    const interactionToken = `aW50ZXJhY3Rpb246${id}${"x".repeat(64)}`;
    const user = fields.user ?? alice;
    const channel = fields.channel_id ?? dmChannelId;
    rest.openInteraction(interactionToken, id, channel);
    const payload = {
      id,
      application_id: applicationId,
      type: fields.type,
      data: fields.data,
      token: interactionToken,
      version: 1,
      channel_id: channel,
      ...(fields.guild_id ? { guild_id: fields.guild_id, member: { user, nick: null, roles: [] } } : { user }),
      ...(fields.message ? { message: fields.message } : {}),
    };
    gateway.dispatch("INTERACTION_CREATE", payload);
    return payload;
  };

  return {
    token,
    origin,
    apiBase: `${origin}/api/v10`,
    gatewayUrl,
    calls: rest.calls,
    messages: rest.messages,
    identifies: gateway.identifies,
    resumes: gateway.resumes,
    registeredCommands: rest.registeredCommands,
    heartbeats: gateway.heartbeats,
    replayed: gateway.replayed,
    acknowledged: rest.acknowledged,
    dispatch: gateway.dispatch,
    messageCreate,
    interactionCreate,
    attachment: rest.attachment,
    textsUnder: rest.textsUnder,
    textsIn: rest.textsIn,
    callsTo: rest.callsTo,
    hold: rest.hold,
    failNext: rest.failNext,
    isConnected: gateway.isConnected,
    addThread: rest.addThread,
    drop: gateway.drop,
    invalidateSession: gateway.invalidateSession,
    waitForSession: gateway.waitForSession,
    async close() {
      gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
