import { controlHelp, controlHelpText } from "../../core/commands.ts";
import type { ControlName } from "../../core/types/command.ts";
import type { DiscordRest } from "./rest.ts";

/** Pincer's control commands that Discord offers as slash commands; `/model` and `/agent` take a name. */
const withName = new Set(["model", "agent"]);

/** The application commands (CHAT_INPUT, type 1), from core's command list so the two never drift. */
export function slashCommands() {
  return Object.entries(controlHelp).map(([name, description]) => ({
    name,
    type: 1,
    description: description.slice(0, 100),
    // Discord shows each user the description in their client's language.
    description_localizations: { "zh-CN": controlHelpText(name as ControlName, "zh-CN").slice(0, 100) },
    ...(withName.has(name) ? { options: [{ type: 3, name: "name", description: `the ${name} to switch to`, required: false }] } : {}),
  }));
}

/** Registers them globally (a bulk overwrite: commands removed from Pincer disappear from Discord too). */
export async function registerSlashCommands(rest: DiscordRest, applicationId: string): Promise<void> {
  await rest.request("PUT", `/applications/${applicationId}/commands`, { body: slashCommands() });
}
