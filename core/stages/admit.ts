import { channelLabels } from "../metrics.ts";
import { pairingReply, pairingSubject } from "../pairing.ts";
import { decideAccess, needsPairingLookup, roleOf, userRef, type Role } from "../policy.ts";
import type { InboundMessage } from "../types/message.ts";
import { answerTo } from "../types/message.ts";
import type { Logger } from "../types/logger.ts";
import { heardByName } from "../voice-addressing.ts";
import { rememberedLocale, rememberLocale } from "../i18n/locale.ts";
import { conversationKey } from "../types/conversation.ts";
import { adapterFor, localeOf, replyText, type StageDeps } from "./deps.ts";

/** A message let in, with what was learned on the way (a group voice note's transcript), or one finished here. */
export type Admission = { type: "admitted"; message: InboundMessage; role: Role } | { type: "refused" };

/**
 * What admission needs from the store about the sender, read at once (one round trip on a pipelined store): their
 * approved pairing where the decision depends on one, the language remembered for them when the message tells
 * theirs, and an admin's DM as last remembered.
 */
async function lookUpSender(message: InboundMessage, deps: StageDeps) {
  const ref = userRef(message);
  const isAdminDirect = message.conversation.kind === "direct" && roleOf(message, deps.policy) === "admin";
  const [pairing, knownLocale, knownContact] = await Promise.all([
    needsPairingLookup(message, deps.policy) ? deps.store.pairing.find(pairingSubject(message)) : undefined,
    message.sender.locale ? rememberedLocale(deps.store.adapterState, ref, deps.now()) : undefined,
    isAdminDirect ? deps.store.contacts.find(ref) : undefined,
  ]);
  return { access: decideAccess(message, deps.policy, pairing?.approvedAt !== undefined), knownLocale, knownContact, isAdminDirect };
}

/** An unaddressed group voice note is let in only when it says the bot's name; its transcript is kept for a re-run. */
async function listen(key: string, message: InboundMessage, deps: StageDeps, log: Logger): Promise<InboundMessage | undefined> {
  const heard = deps.media && (await heardByName(message, adapterFor(deps, message.conversation), deps.media, deps.mediaLimits, log));
  if (heard) await deps.store.inbox.updateMessage(key, heard);
  return heard;
}

/**
 * Stage "admit": who may talk (policy, pairing) and, in a group, whether the bot was addressed (a voice note
 * by name). A refused message gets its pairing code or nothing, and its inbox row is finished here.
 */
export async function admit(key: string, message: InboundMessage, deps: StageDeps, log: Logger): Promise<Admission> {
  const labels = channelLabels(message.conversation);
  const span = deps.tracer.start(key, "policy", { chat: message.conversation.kind });
  const { access, knownLocale, knownContact, isAdminDirect } = await lookUpSender(message, deps);
  let admitted = message;
  if (access.type === "listen") {
    const heard = await listen(key, message, deps, log);
    if (!heard) {
      span.end({ decision: "drop", reason: "voice-not-named" });
      deps.metrics.messagesIn.inc({ ...labels, outcome: "dropped" });
      await deps.store.inbox.setStatus([key], "ignored");
      return { type: "refused" };
    }
    admitted = heard;
  } else if (access.type !== "admit") {
    deps.metrics.messagesIn.inc({ ...labels, outcome: access.type === "pair" ? "pairing" : "dropped" });
    if (access.type === "pair") {
      const text = await pairingReply(deps.store.pairing, message, deps.now(), localeOf(message, deps));
      span.end({ decision: "pair", reason: "waiting-to-pair", isCodeSent: Boolean(text) });
      if (text) await replyText(deps, key, answerTo(message), text);
    } else {
      span.end({ decision: "drop", reason: access.reason });
      log.debug({ reason: access.reason }, "message dropped by policy");
    }
    await deps.store.inbox.setStatus([key], "ignored");
    return { type: "refused" };
  }
  // What is sent to this person later (a job's result, an approval request in their DM) is in their language.
  if (message.sender.locale) await rememberLocale(deps.store.adapterState, userRef(message), message.sender.locale, knownLocale);
  span.end({ decision: "admit", role: access.role, ...(access.type === "listen" ? { reason: "voice-named" } : {}) });
  // Admins' DMs are where members' approval requests reach them.
  if (isAdminDirect && (!knownContact || conversationKey(knownContact) !== conversationKey(message.conversation))) {
    await deps.store.contacts.remember(userRef(message), message.conversation, deps.now());
  }
  return { type: "admitted", message: admitted, role: access.role };
}
