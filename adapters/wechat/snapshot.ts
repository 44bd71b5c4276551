import type { Message } from "wechaty";
import { messageSnapshotSchema, type MessageSnapshot } from "./inbound.ts";

/** wechaty's MessageType values (wechaty-puppet `types.Message`), as the kinds we handle. */
const kindByType: Record<number, MessageSnapshot["kind"]> = { 1: "file", 2: "audio", 6: "image", 7: "text", 15: "video" };

/** wechaty's ContactType values. */
const contactTypes: Record<number, MessageSnapshot["talker"]["type"]> = { 1: "individual", 2: "official", 3: "corporation" };

/**
 * Reads what the normalizer needs from a wechaty Message (this is where the SDK is asked:
 * mention lists, room topics and aliases need the puppet), validated at the boundary.
 */
export async function snapshotOf(message: Message, self: { id: string; name: string }): Promise<MessageSnapshot> {
  const talker = message.talker();
  const room = message.room();
  const payload = message.payload;
  const mentions = room
    ? await Promise.all(
        (await message.mentionList()).map(async (contact) => ({
          id: contact.id,
          name: (await room.alias(contact).catch(() => undefined)) || contact.name(),
          isSelf: contact.id === self.id,
        })),
      )
    : [];
  return messageSnapshotSchema.parse({
    id: message.id,
    kind: kindByType[message.type()] ?? "other",
    text: message.text() ?? "",
    talker: { id: talker.id, name: talker.name(), isSelf: talker.id === self.id, type: contactTypes[talker.type()] ?? "unknown" },
    ...(room ? { room: { id: room.id, topic: await room.topic().catch(() => "") } } : {}),
    mentions,
    isMentioningSelf: room ? await message.mentionSelf() : false,
    selfName: self.name,
    timestamp: payload?.timestamp ?? Date.now(),
    ...(payload?.filename ? { fileName: payload.filename } : {}),
  });
}
