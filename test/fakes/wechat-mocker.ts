import { FileBox } from "file-box";
import { PuppetMock, mock } from "wechaty-puppet-mock";

/** What the bot sent, as the mock WeChat saw it. */
export interface WechatSent {
  /** The contact id of a direct chat, or the room id. */
  chatId: string;
  /** wechaty's MessageType: 7 text, 6 image, 1 file. */
  type: number;
  text: string;
  fileName?: string;
  atMs: number;
}

interface MockMessage {
  id: string;
  payload: { talkerId: string; text?: string; type: number };
}

/** ContactMock and RoomMock emit 'message'; their typed-emitter `on` is lost under NodeNext. */
type Listenable = { on(event: "message", listener: (message: MockMessage) => void): unknown };

/**
 * A WeChat world for wechaty-puppet-mock, fully offline: the bot's account, two people and a
 * group. The people say things to the bot; everything the bot sends is recorded with its time.
 */
export function createWechatWorld() {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = mocker.createContact({ name: "Pincer" });
  const alice = mocker.createContact({ name: "Alice" });
  const bob = mocker.createContact({ name: "Bob" });
  const room = mocker.createRoom({ topic: "Project room", memberIdList: [bot.id, alice.id, bob.id] });
  const sent: WechatSent[] = [];
  const record = (chatId: string) => (message: MockMessage) => {
    if (message.payload.talkerId !== bot.id) return;
    const box = (mocker as unknown as { cacheFileBoxPayload: Map<string, { name?: string }> }).cacheFileBoxPayload.get(message.id);
    sent.push({ chatId, type: message.payload.type, text: message.payload.text ?? "", ...(box?.name ? { fileName: box.name } : {}), atMs: Date.now() });
  };
  for (const contact of [alice, bob]) (contact as unknown as Listenable).on("message", record(contact.id));
  (room as unknown as Listenable).on("message", record(room.id));

  return {
    puppet,
    mocker,
    bot,
    alice,
    bob,
    room,
    sent,
    /** The bot's account logs in, as after a QR scan. */
    login: () => mocker.login(bot),
    /** `who` writes to the bot directly. */
    dm: (who: typeof alice, content: string | FileBox) => who.say(content).to(bot),
    /** `who` writes in the group, @mentioning `mentions`. */
    inRoom: (who: typeof alice, text: string, mentions: (typeof alice)[] = []) => who.say(text, mentions).to(room),
    /** Bytes as a FileBox the mock accepts (only base64 and URL boxes work with PuppetMock). */
    file: (bytes: Uint8Array, name: string) => FileBox.fromBase64(Buffer.from(bytes).toString("base64"), name),
    textsTo: (chatId: string) => sent.filter((message) => message.chatId === chatId && message.type === 7).map((message) => message.text),
  };
}

export type WechatWorld = ReturnType<typeof createWechatWorld>;
