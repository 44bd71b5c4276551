import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FileBox as FileBoxClass } from "file-box";
import type { Contact, Message, Room, Wechaty } from "wechaty";
import type { WechatyConfig } from "../../core/config-platforms.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import type { Adapter, AdapterDeps, FetchedMedia, InboundSink } from "../../core/types/adapter.ts";
import { conversationKey, type ConversationRef } from "../../core/types/conversation.ts";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { createConnection, type BotLike } from "./connection.ts";
import { toInboundMessage, wechatPlatform } from "./inbound.ts";
import { fileNameFor } from "./file-name.ts";
import { toOutgoingMessages } from "./outbound.ts";
import { accountSlot, createPacer, minuteSlot } from "./pacer.ts";
import { createBoundedMap } from "../kit/bounded-map.ts";
import { showQrInTerminal } from "./terminal-qr.ts";
import { snapshotOf } from "./snapshot.ts";

/** wechaty's puppet option: a puppet instance (tests pass a PuppetMock) instead of a package name. */
type PuppetInstance = NonNullable<Parameters<typeof import("wechaty").WechatyBuilder.build>[0]> extends infer Options
  ? Options extends { puppet?: infer Puppet }
    ? Exclude<Puppet, string | undefined>
    : never
  : never;

export interface WechatAdapterOverrides {
  /** A puppet instance to use instead of `settings.puppet` (tests: wechaty-puppet-mock). */
  puppet?: PuppetInstance;
  /** Where the login QR code goes; default: drawn on stderr. */
  showQr?: (qrcode: string) => void;
  /** Restart backoff after a logout or a failure (default 2 s, doubling up to 5 min). */
  initialRestartDelayMs?: number;
  maxRestartDelayMs?: number;
}

/** The session ("memory card") file, in DATA_DIR: wechaty resolves a relative name against the working directory. */
export function memoryCardName(dataDir: string): string {
  return resolve(dataDir, "wechat", "pincer");
}

const importSdk = () => Promise.all([import("wechaty"), import("file-box")]);

/** wechaty is opt-in (`npm install wechaty`, docs/wechat.md): without it the start stops naming the variable. */
export async function loadSdk(load: typeof importSdk = importSdk) {
  try {
    const [{ WechatyBuilder }, { FileBox }] = await load();
    return { WechatyBuilder, FileBox };
  } catch (error) {
    throw new BridgeError("config", "WECHATY_PUPPET: wechaty is not installed; run npm install wechaty", { cause: error });
  }
}

export function checkPuppetInstalled(name: string): void {
  try {
    import.meta.resolve(name);
  } catch (error) {
    throw new BridgeError("config", `WECHATY_PUPPET: the puppet package ${name} is not installed; run npm install ${name}`, { cause: error });
  }
}

/**
 * Personal WeChat accounts through wechaty: a puppet (WECHATY_PUPPET) logs in by QR code, messages
 * arrive as events, answers go out paced (WeChat's risk control flags bursts). WeChat cannot edit
 * a message, so the responder sends each answer once it is complete.
 */
export async function createWechatAdapter(settings: WechatyConfig, deps: AdapterDeps, overrides: WechatAdapterOverrides = {}): Promise<Adapter> {
  const { logger } = deps;
  const { WechatyBuilder, FileBox } = await loadSdk();
  const name = memoryCardName(deps.dataDir);
  await mkdir(join(deps.dataDir, "wechat"), { recursive: true });
  let bot: Wechaty;
  if (overrides.puppet) {
    bot = WechatyBuilder.build({ name, puppet: overrides.puppet });
  } else {
    checkPuppetInstalled(settings.puppet);
    const puppetOptions = settings.puppetToken ? { token: settings.puppetToken } : {};
    bot = WechatyBuilder.build({ name, puppet: settings.puppet as "wechaty-puppet-wechat4u", puppetOptions });
  }
  const connection = createConnection(bot as unknown as BotLike, {
    logger,
    showQr: overrides.showQr ?? showQrInTerminal(logger),
    initialRestartDelayMs: overrides.initialRestartDelayMs ?? 2000,
    maxRestartDelayMs: overrides.maxRestartDelayMs ?? 5 * 60_000,
  });
  const channelId = deps.channelId ?? wechatPlatform;
  const pacer = createPacer({
    chatIntervalMs: settings.sendIntervalMs,
    accountIntervalMs: settings.sendIntervalMs,
    sendsPerMinute: settings.sendsPerMinute,
    ...(deps.rateLimits
      ? {
          takeAccountSlot: accountSlot(deps.rateLimits, `pace:wechat:${channelId}`, settings.sendIntervalMs),
          takeMinuteSlot: minuteSlot(deps.rateLimits, `sends:wechat:${channelId}`, settings.sendsPerMinute),
        }
      : {}),
  });
  const recent = createBoundedMap<Message>(500);
  let sink: InboundSink | undefined;

  const onMessage = async (message: Message) => {
    const self = connection.self();
    if (!sink || !self || message.self()) return;
    const snapshot = await snapshotOf(message, self);
    const result = toInboundMessage(snapshot, self.id);
    if (result.isIgnored) {
      logger.debug({ messageId: message.id, reason: result.reason }, "wechat: message ignored");
      return;
    }
    if (result.message.attachments.length > 0) recent.set(message.id, message);
    await sink.receive(result.message);
  };
  bot.on("message", (message: Message) => {
    onMessage(message).catch((error: unknown) => logger.error({ err: error, messageId: message.id }, "wechat: inbound message failed"));
  });

  const findMessage = async (id: string): Promise<Message> => {
    const known = recent.get(id);
    if (known) return known;
    const found = await bot.Message.find({ id }).catch(() => undefined);
    if (!found) throw new BridgeError("bad-input", "That WeChat message is no longer available to download.");
    return found;
  };

  const fetchMedia = async (ref: MediaRef): Promise<FetchedMedia> => {
    if (ref.platform !== wechatPlatform) throw new BridgeError("bad-input", `Not a WeChat file: ${ref.platform}`);
    const message = await findMessage(ref.id);
    try {
      const box = await message.toFileBox();
      const tooBig = new BridgeError("unsupported", `That file is too big for me (the limit is ${Math.round(deps.maxMediaBytes / 1e6)} MB).`);
      if (box.size > deps.maxMediaBytes) throw tooBig;
      const bytes = await box.toBuffer();
      if (bytes.length > deps.maxMediaBytes) throw tooBig;
      return { bytes: new Uint8Array(bytes), mimeType: box.mediaType || ref.mimeType || "application/octet-stream", fileName: box.name };
    } catch (error) {
      throw toBridgeError(error, "upstream");
    }
  };

  const loadRoomOrContact = async (to: ConversationRef): Promise<Room | Contact> => {
    const target = to.kind === "group" ? await bot.Room.find({ id: to.chatId }) : await bot.Contact.find({ id: to.chatId });
    if (!target) throw new BridgeError("upstream", `WeChat does not know the ${to.kind === "group" ? "group" : "contact"} ${to.chatId} (yet).`);
    return target;
  };

  /** The asker, @mentioned by a group answer; undefined when they cannot be found (the answer still goes out). */
  const askerOf = async (to: ConversationRef): Promise<Contact | undefined> => {
    if (to.kind !== "group" || !to.inReplyTo) return undefined;
    const contact = await bot.Contact.find({ id: to.inReplyTo.senderId }).catch(() => undefined);
    if (!contact) logger.warn({ senderId: to.inReplyTo.senderId }, "wechat: could not find the asker to mention");
    return contact;
  };

  const toFileBox = async (media: MediaRef): Promise<FileBoxClass> => {
    const fetched = await readReplyMedia(media, fetchMedia, deps.maxMediaBytes, deps.storedFiles);
    // Base64 boxes work with every puppet (PuppetMock refuses buffer and file boxes).
    const box = FileBox.fromBase64(Buffer.from(fetched.bytes).toString("base64"), fileNameFor(fetched.fileName ?? media.fileName, fetched.mimeType));
    // A SILK file with its length is what puppets send as a voice message rather than a file.
    if (fetched.mimeType === "audio/silk") {
      const { getDuration } = await import("silk-wasm");
      box.metadata = { voiceLength: getDuration(fetched.bytes) };
    }
    return box;
  };

  return {
    platform: wechatPlatform,
    capabilities: {
      maxTextLength: 2000,
      minEditIntervalMs: 0,
      hasButtons: false,
      hasVoiceOut: true,
      voiceFormat: "silk",
      ...(settings.workingNoticeAfterMs ? { workingNoticeAfterMs: settings.workingNoticeAfterMs } : {}),
    },
    async start(inboundSink) {
      sink = inboundSink;
      await connection.start();
    },
    async stop() {
      sink = undefined;
      pacer.stop();
      await connection.stop();
    },
    health: () => connection.health(),
    selfNames: () => {
      const self = connection.self();
      return self ? [self.name] : [];
    },
    async send(to, part) {
      if (!connection.self()) throw new BridgeError("upstream", "WeChat is not logged in; the answer waits in the outbox.");
      const messages = toOutgoingMessages(part);
      let messageId: string | undefined;
      try {
        const target = await loadRoomOrContact(to);
        const asker = await askerOf(to);
        for (const message of messages) {
          const sayable = message.type === "text" ? message.text : await toFileBox(message.media);
          const sent = await pacer.run(conversationKey(to), () =>
            asker && message.type === "text" ? (target as Room).say(sayable as string, asker) : target.say(sayable),
          );
          messageId = (sent && typeof sent === "object" && "id" in sent ? sent.id : undefined) ?? messageId;
        }
      } catch (error) {
        throw toBridgeError(error, "upstream");
      }
      return { conversation: to, messageId: messageId ?? randomUUID() };
    },
    fetchMedia,
  };
}
