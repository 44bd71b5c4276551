import { parseCommand } from "../commands.ts";
import { controlContext, handleControl, type RunControl } from "../control.ts";
import { channelLabels } from "../metrics.ts";
import { handleJobCommand } from "../jobs/commands.ts";
import type { Role } from "../policy.ts";
import { userRef } from "../policy.ts";
import type { Command } from "../types/command.ts";
import { answerTo, promptText, type InboundMessage } from "../types/message.ts";
import { translate } from "../i18n/catalogue.ts";
import { localeOf, replyText, type StageDeps } from "./deps.ts";

/** Stage "parse": a control command, an approval decision or a prompt for the agent. */
export function parse(message: InboundMessage): Command {
  return parseCommand(promptText(message.segments), message.attachments);
}

/** Whether a prompt has anything for the agent (an empty message is ignored). */
export function isEmptyPrompt(command: Extract<Command, { type: "prompt" }>): boolean {
  return !command.text && command.attachments.length === 0;
}

async function answerJobCommand(command: Extract<Command, { type: "job" }>, message: InboundMessage, role: Role, deps: StageDeps): Promise<string> {
  const locale = localeOf(message, deps);
  if (!deps.jobs) return translate(locale, "refusals.jobsOff");
  const asker = { conversation: answerTo(message), userRef: userRef(message), displayName: message.sender.displayName, role, locale };
  return handleJobCommand(command.name, command.args, asker, deps.jobs);
}

/** Control commands and approval decisions are answered at once, bypassing the queue; the message is then done. */
export async function answerAtOnce(
  key: string,
  message: InboundMessage,
  role: Role,
  command: Extract<Command, { type: "control" | "approval" | "job" }>,
  deps: StageDeps & { runs: RunControl },
): Promise<void> {
  deps.metrics.messagesIn.inc({ ...channelLabels(message.conversation), outcome: "control" });
  const answer =
    command.type === "control"
      ? await handleControl(command, await controlContext(message, role, deps))
      : command.type === "job"
        ? await answerJobCommand(command, message, role, deps)
        : await deps.approvals.decide({
          requestId: command.requestId,
          isApproved: command.isApproved,
          isAlways: command.isAlways,
          approverRef: userRef(message),
          approverRole: role,
          from: message.conversation,
          locale: localeOf(message, deps),
        });
  if (typeof answer === "string") await replyText(deps, key, answerTo(message), answer);
  else await deps.delivery.send(`${key}:0`, answerTo(message), answer);
  await deps.store.inbox.setStatus([key], "done");
}
