import { controlNames, jobCommandNames, type Command, type ControlName, type JobCommandName } from "./types/command.ts";
import type { Attachment } from "./types/message.ts";

const commandPattern = /^\/([a-z][a-z0-9_]*)(@\S+)?(?:\s+([\s\S]*))?$/i;

/** What each control command does, for `/help`. */
export const controlHelp: Record<ControlName, string> = {
  help: "list the commands",
  new: "start a fresh session (the agent forgets this conversation)",
  stop: "stop the running reply at once",
  status: "show the agent, model, session age and messages in the session",
  usage: "show today's and this month's tokens and cost, for this chat and for you",
  model: "show the model, or switch it for this conversation (admins)",
  agent: "list the agents, or switch this conversation's agent (admins)",
  remember: "remember a fact about you (--chat: for everyone in this chat, admins in groups)",
  memory: "list what I remember about you and this chat; /memory export sends it all to you as a file",
  forget: "forget memory <n> of /memory, or all of them",
  kb: "search this chat's knowledge bases (/kb <question>); /kb add with a file adds it (admins)",
};

function isJobCommandName(name: string): name is JobCommandName {
  return (jobCommandNames as readonly string[]).includes(name);
}

function isControlName(name: string): name is ControlName {
  return (controlNames as readonly string[]).includes(name);
}

/**
 * A leading `/command` addresses the bot; `/command@Someone` is for another bot.
 * Adapters rewrite `/command@OurBot` to `/command`, so any `@` suffix left here is someone else's.
 */
export function isBareCommand(text: string): boolean {
  const match = commandPattern.exec(text.trim());
  return match !== null && match[2] === undefined;
}

export function parseCommand(text: string, attachments: Attachment[]): Command {
  const trimmed = text.trim();
  const match = commandPattern.exec(trimmed);
  if (match && match[2] === undefined) {
    const name = match[1]!.toLowerCase();
    const args = (match[3] ?? "").trim();
    if (isControlName(name)) return { type: "control", name, args };
    if (isJobCommandName(name)) return { type: "job", name, args };
    const approval = /^([a-z0-9]{4,6})(?:\s+(always))?$/i.exec(args);
    if ((name === "approve" || name === "deny") && approval) {
      return { type: "approval", requestId: approval[1]!.toLowerCase(), isApproved: name === "approve", isAlways: approval[2] !== undefined };
    }
  }
  return { type: "prompt", text: trimmed, attachments };
}
