import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { approvalPrompt } from "./approval-prompt.ts";
import { translate, type Locale } from "./i18n/catalogue.ts";
import { localeOfUser } from "./i18n/locale.ts";
import type { ApprovalsDeps, PendingRequest } from "./approvals.ts";
import type { Role } from "./policy.ts";
import type { ApprovalRecord } from "./store/store.ts";
import type { ConversationRef } from "./types/conversation.ts";
import { conversationKey } from "./types/conversation.ts";
import type { ReplyPart } from "./types/reply.ts";

/** Owners and admins decide approvals (and are asked in their DMs); members only deny their own. */
export const canApprove = (role: Role) => role === "owner" || role === "admin";

type AnnounceDeps = Pick<ApprovalsDeps, "admins" | "attachmentDir" | "contacts" | "delivery" | "locale" | "adapterState"> & { now: () => number };

/** The files that go with a request (long arguments, file contents), written to disk and sent as files. */
async function attachmentParts(record: ApprovalRecord, pending: PendingRequest, attachmentDir: string, locale: Locale) {
  const prompt = approvalPrompt(record.id, pending.request, locale);
  const files = await Promise.all(prompt.attachments.map(async (attachment) => {
    await mkdir(attachmentDir, { recursive: true });
    const path = join(attachmentDir, attachment.fileName);
    await writeFile(path, attachment.text, { encoding: "utf8", mode: 0o600 });
    const media = { platform: "local", id: path, fileName: attachment.fileName, mimeType: "text/plain", sizeBytes: Buffer.byteLength(attachment.text) };
    return { type: "file" as const, media, caption: translate(locale, "approvals.fileCaption", { file: attachment.fileName, id: record.id }) };
  }));
  return { body: prompt.body, files };
}

/** The request itself: its text, how to answer by typing, and the buttons. */
function requestPart(record: ApprovalRecord, pending: PendingRequest, body: string, ttlMs: number, locale: Locale) {
  const minutes = Math.round(ttlMs / 60_000);
  const who = canApprove(pending.requesterRole) ? "" : `\n${translate(locale, "approvals.adminMust")}`;
  const always = pending.request.canBeAlways ? translate(locale, "approvals.alwaysHint") : "";
  return {
    type: "buttons" as const,
    ...(locale === "en" ? {} : { locale }),
    text: [body, `${translate(locale, "approvals.instructions", { id: record.id, always, minutes })}${who}`].join("\n"),
    buttons: [
      { id: `approve ${record.id}`, label: translate(locale, "approvals.button.approve"), style: "primary" as const },
      ...(pending.request.canBeAlways ? [{ id: `approve ${record.id} always`, label: translate(locale, "approvals.button.always") }] : []),
      { id: `deny ${record.id}`, label: translate(locale, "approvals.button.deny"), style: "danger" as const },
    ],
  };
}

/** The chat that asked, and each admin's DM when a member's request needs an admin. */
async function destinationsOf(pending: PendingRequest, deps: AnnounceDeps): Promise<Array<{ to: ConversationRef; locale: Locale }>> {
  const fallback = deps.locale ?? "en";
  const languageOf = async (userRef: string) => (deps.adapterState ? localeOfUser(deps.adapterState, userRef, fallback, deps.now()) : fallback);
  const destinations = [{ to: pending.conversation, locale: pending.locale ?? (await languageOf(pending.requesterRef)) }];
  if (canApprove(pending.requesterRole)) return destinations;
  for (const admin of deps.admins) {
    const direct = await deps.contacts.find(admin);
    if (direct && conversationKey(direct) !== conversationKey(pending.conversation)) destinations.push({ to: direct, locale: await languageOf(admin) });
  }
  return destinations;
}

/** Sends the request (and its files) to everyone who may decide it, each part under its own outbox key. */
export async function announceApproval(record: ApprovalRecord, pending: PendingRequest, deps: AnnounceDeps, ttlMs: number): Promise<void> {
  const destinations = await destinationsOf(pending, deps);
  // The files first, so that the request with its buttons is the latest message; each in the language of whom it goes to.
  for (const [index, { to, locale }] of destinations.entries()) {
    const { body, files } = await attachmentParts(record, pending, deps.attachmentDir, locale);
    const part: ReplyPart = requestPart(record, pending, body, ttlMs, locale);
    for (const [fileIndex, file] of files.entries()) await deps.delivery.send(`approval:${record.id}:${index}:file${fileIndex}`, to, file);
    await deps.delivery.send(`approval:${record.id}:${index}`, to, part);
  }
}
