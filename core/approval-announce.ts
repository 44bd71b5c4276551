import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { approvalPrompt } from "./approval-prompt.ts";
import type { ApprovalsDeps, PendingRequest } from "./approvals.ts";
import type { Role } from "./policy.ts";
import type { ApprovalRecord } from "./store/store.ts";
import type { ConversationRef } from "./types/conversation.ts";
import { conversationKey } from "./types/conversation.ts";
import type { ReplyPart } from "./types/reply.ts";

/** Owners and admins decide approvals (and are asked in their DMs); members only deny their own. */
export const canApprove = (role: Role) => role === "owner" || role === "admin";

type AnnounceDeps = Pick<ApprovalsDeps, "admins" | "attachmentDir" | "contacts" | "delivery">;

/** The files that go with a request (long arguments, file contents), written to disk and sent as files. */
async function attachmentParts(record: ApprovalRecord, pending: PendingRequest, attachmentDir: string) {
  const prompt = approvalPrompt(record.id, pending.request);
  const files = await Promise.all(prompt.attachments.map(async (attachment) => {
    await mkdir(attachmentDir, { recursive: true });
    const path = join(attachmentDir, attachment.fileName);
    await writeFile(path, attachment.text, { encoding: "utf8", mode: 0o600 });
    const media = { platform: "local", id: path, fileName: attachment.fileName, mimeType: "text/plain", sizeBytes: Buffer.byteLength(attachment.text) };
    return { type: "file" as const, media, caption: `${attachment.fileName} (approval ${record.id})` };
  }));
  return { body: prompt.body, files };
}

/** The request itself: its text, how to answer by typing, and the buttons. */
function requestPart(record: ApprovalRecord, pending: PendingRequest, body: string, ttlMs: number) {
  const minutes = Math.round(ttlMs / 60_000);
  const who = canApprove(pending.requesterRole) ? "" : "\nAn admin must approve this.";
  const always = pending.request.canBeAlways ? ` (add \`always\` to answer once for all such calls)` : "";
  return {
    type: "buttons" as const,
    text: [body, `Reply \`/approve ${record.id}\` or \`/deny ${record.id}\`${always} (expires in ${minutes} min).${who}`].join("\n"),
    buttons: [
      { id: `approve ${record.id}`, label: "Approve", style: "primary" as const },
      ...(pending.request.canBeAlways ? [{ id: `approve ${record.id} always`, label: "Always allow" }] : []),
      { id: `deny ${record.id}`, label: "Deny", style: "danger" as const },
    ],
  };
}

/** The chat that asked, and each admin's DM when a member's request needs an admin. */
async function destinationsOf(pending: PendingRequest, deps: AnnounceDeps): Promise<ConversationRef[]> {
  const destinations = [pending.conversation];
  if (canApprove(pending.requesterRole)) return destinations;
  for (const admin of deps.admins) {
    const direct = await deps.contacts.find(admin);
    if (direct && conversationKey(direct) !== conversationKey(pending.conversation)) destinations.push(direct);
  }
  return destinations;
}

/** Sends the request (and its files) to everyone who may decide it, each part under its own outbox key. */
export async function announceApproval(record: ApprovalRecord, pending: PendingRequest, deps: AnnounceDeps, ttlMs: number): Promise<void> {
  const { body, files } = await attachmentParts(record, pending, deps.attachmentDir);
  const part: ReplyPart = requestPart(record, pending, body, ttlMs);
  const destinations = await destinationsOf(pending, deps);
  // The files first, so that the request with its buttons is the latest message.
  for (const [index, to] of destinations.entries()) {
    for (const [fileIndex, file] of files.entries()) await deps.delivery.send(`approval:${record.id}:${index}:file${fileIndex}`, to, file);
    await deps.delivery.send(`approval:${record.id}:${index}`, to, part);
  }
}
