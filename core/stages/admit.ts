import { channelLabels } from "../metrics.ts";
import { pairingReply, pairingSubject } from "../pairing.ts";
import { decideAccess, needsPairingLookup, userRef, type AccessDecision, type Role } from "../policy.ts";
import type { InboundMessage } from "../types/message.ts";
import { answerTo } from "../types/message.ts";
import type { Logger } from "../types/logger.ts";
import { heardByName } from "../voice-addressing.ts";
import { rememberLocale } from "../i18n/locale.ts";
import { adapterFor, localeOf, replyText, type StageDeps } from "./deps.ts";

/** A message let in, with what was learned on the way (a group voice note's transcript), or one finished here. */
export type Admission = { type: "admitted"; message: InboundMessage; role: Role } | { type: "refused" };

async function checkAccess(message: InboundMessage, deps: StageDeps): Promise<AccessDecision> {
  if (!needsPairingLookup(message, deps.policy)) return decideAccess(message, deps.policy, false);
  const request = await deps.store.pairing.find(pairingSubject(message));
  return decideAccess(message, deps.policy, request?.approvedAt !== undefined);
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
  const access = await checkAccess(message, deps);
  let admitted = message;
  if (access.type === "listen") {
    const heard = await listen(key, message, deps, log);
    if (!heard) {
      deps.metrics.messagesIn.inc({ ...labels, outcome: "dropped" });
      await deps.store.inbox.setStatus([key], "ignored");
      return { type: "refused" };
    }
    admitted = heard;
  } else if (access.type !== "admit") {
    deps.metrics.messagesIn.inc({ ...labels, outcome: access.type === "pair" ? "pairing" : "dropped" });
    if (access.type === "pair") {
      const text = await pairingReply(deps.store.pairing, message, deps.now(), localeOf(message, deps));
      if (text) await replyText(deps, key, answerTo(message), text);
    } else {
      log.debug({ reason: access.reason }, "message dropped by policy");
    }
    await deps.store.inbox.setStatus([key], "ignored");
    return { type: "refused" };
  }
  // What is sent to this person later (a job's result, an approval request in their DM) is in their language.
  if (message.sender.locale) await rememberLocale(deps.store.adapterState, userRef(message), message.sender.locale, deps.now());
  // Admins' DMs are where members' approval requests reach them.
  if (message.conversation.kind === "direct" && access.role === "admin") {
    await deps.store.contacts.remember(userRef(message), message.conversation, deps.now());
  }
  return { type: "admitted", message: admitted, role: access.role };
}
