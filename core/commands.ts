import { translate, type Locale } from "./i18n/catalogue.ts";
import { controlNames, jobCommandNames, type Command, type ControlName, type JobCommandName } from "./types/command.ts";
import type { Attachment } from "./types/message.ts";

const commandPattern = /^\/([a-z][a-z0-9_]*)(@\S+)?(?:\s+([\s\S]*))?$/i;

/** What a control command does, for `/help` (and Discord's command list), in `locale`. */
export const controlHelpText = (name: ControlName, locale: Locale): string => translate(locale, `control.help.${name}`);

/** What each control command does, in English. */
export const controlHelp: Record<ControlName, string> = Object.fromEntries(controlNames.map((name) => [name, controlHelpText(name, "en")])) as Record<ControlName, string>;

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
