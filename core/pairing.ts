import { randomInt } from "node:crypto";
import { translate, type Locale } from "./i18n/catalogue.ts";
import type { PairingStore, PairingSubject } from "./store/store.ts";
import { channelOf } from "./types/conversation.ts";
import type { InboundMessage } from "./types/message.ts";

/** No look-alikes: no O, I, 0 or 1. */
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const pairingCodeLength = 8;
export const pairingTtlMs = 60 * 60 * 1000;
export const pairingResendMs = 10 * 60 * 1000;

export function newPairingCode(): string {
  let code = "";
  for (let index = 0; index < pairingCodeLength; index += 1) code += codeAlphabet[randomInt(codeAlphabet.length)];
  return code;
}

/** Who a message asks to admit: its sender in a DM, its group in a group. */
export function pairingSubject(message: InboundMessage): PairingSubject {
  const { chatId, kind } = message.conversation;
  // The store's `platform` field holds the channel id (a default channel's id is its platform's name).
  return { platform: channelOf(message.conversation), chatId: kind === "group" ? chatId : undefined, userId: message.sender.id };
}

function pairingText(subject: PairingSubject, code: string, expiresAt: number, now: number, locale: Locale): string {
  const minutes = Math.max(1, Math.round((expiresAt - now) / 60_000));
  const channel = subject.platform;
  return [
    translate(locale, subject.chatId === undefined ? "pairing.user" : "pairing.group", { code, minutes }),
    translate(locale, "pairing.ask", { channel, code }),
  ].join("\n");
}

/**
 * The reply to an unknown direct-message sender or group, or undefined when they were told recently.
 * One code per sender (or group) per hour; repeated at most once every 10 minutes.
 */
export async function pairingReply(
  pairing: PairingStore,
  message: InboundMessage,
  now: number,
  locale: Locale = "en",
): Promise<string | undefined> {
  const subject = pairingSubject(message);
  const existing = await pairing.find(subject);
  if (existing && existing.approvedAt === undefined && existing.expiresAt > now) {
    if (now - existing.lastSentAt < pairingResendMs) return undefined;
    await pairing.markSent(subject, now);
    return pairingText(subject, existing.code, existing.expiresAt, now, locale);
  }
  const code = newPairingCode();
  await pairing.save({
    ...subject,
    displayName: message.sender.displayName,
    code,
    createdAt: now,
    expiresAt: now + pairingTtlMs,
    lastSentAt: now,
    approvedAt: undefined,
  });
  return pairingText(subject, code, now + pairingTtlMs, now, locale);
}
