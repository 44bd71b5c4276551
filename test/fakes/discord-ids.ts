/** The people, the bot and the places of the fake Discord, shared by its REST API and its gateway. */

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string;
  bot?: boolean;
}

const discordEpoch = 1_420_070_400_000n;
let counter = 0;
/** A snowflake for now (ids sort by time, as Discord's do). */
export const snowflake = (): string => String(((BigInt(Date.now()) - discordEpoch) << 22n) + BigInt(++counter % 4096));

export const bot: FakeUser = { id: "900000000000000001", username: "pincer-test", bot: true };
export const alice: FakeUser = { id: "100000000000000001", username: "alice", global_name: "Alice" };
export const bob: FakeUser = { id: "100000000000000002", username: "bob", global_name: "Bob" };
export const applicationId = "900000000000000001";
export const guildId = "300000000000000001";
export const channelId = "400000000000000001";
export const dmChannelId = "500000000000000001";
