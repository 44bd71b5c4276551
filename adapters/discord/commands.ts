import { controlHelp } from "../../core/commands.ts";
import type { ControlName, JobCommandName } from "../../core/types/command.ts";
import type { DiscordRest } from "./rest.ts";

/** One string option of a slash command; its value becomes a word (or the rest) of the typed command. */
interface SlashOption {
  name: string;
  description: string;
  isRequired: boolean;
  /** Sent in double quotes (the cron expression has spaces and `/cron` wants it quoted). */
  isQuoted?: boolean;
  choices?: readonly string[];
}

interface SlashSpec {
  description: string;
  options: readonly SlashOption[];
}

const none: readonly SlashOption[] = [];
const option = (name: string, description: string, isRequired = true, extra: Partial<SlashOption> = {}): SlashOption => ({ name, description, isRequired, ...extra });
const prompt = option("prompt", "what the agent is asked each time");
const jobId = option("id", "the job's id, as /jobs shows it");
const approvalId = option("id", "the request's id, as the approval request shows it");

/**
 * Every command Pincer answers without the agent, as a Discord slash command. Typed as a record over the command
 * names, so a command added to core without an entry here does not compile.
 */
const specs: Record<ControlName | JobCommandName | "approve" | "deny", SlashSpec> = {
  help: { description: controlHelp.help, options: none },
  new: { description: controlHelp.new, options: none },
  stop: { description: controlHelp.stop, options: none },
  status: { description: controlHelp.status, options: none },
  usage: { description: controlHelp.usage, options: none },
  model: { description: controlHelp.model, options: [option("name", "the model to switch to", false)] },
  agent: { description: controlHelp.agent, options: [option("name", "the agent to switch to", false)] },
  remember: { description: controlHelp.remember, options: [option("fact", "the fact (begin with --chat to remember it for this chat)")] },
  memory: { description: "list what I remember about you and this chat", options: [option("action", "export: send it all to you as a file", false, { choices: ["export"] })] },
  forget: { description: controlHelp.forget, options: [option("which", "a number from /memory, or all")] },
  kb: { description: "search this chat's knowledge bases", options: [option("question", "what to look up")] },
  approve: { description: "approve a tool approval request (admins)", options: [approvalId] },
  deny: { description: "deny a tool approval request (admins)", options: [approvalId] },
  in: { description: "run a prompt once, later", options: [option("duration", "how long from now: 90s, 10m, 1h30m, 1d"), prompt] },
  at: { description: "run a prompt once at a local time", options: [option("time", "HH:MM or YYYY-MM-DD HH:MM, in your /tz"), prompt] },
  every: { description: "run a prompt repeatedly", options: [option("duration", "how often: 10m, 1h, 1d"), prompt] },
  cron: { description: "run a prompt on a cron schedule", options: [option("schedule", "five fields: minute hour day month weekday, e.g. 0 9 * * 1-5", true, { isQuoted: true }), prompt] },
  bg: { description: "run a prompt now in the background; the chat stays free", options: [option("prompt", "what the agent is asked")] },
  hook: { description: "run a prompt when its webhook is called", options: [prompt] },
  jobs: { description: "list this chat's jobs with their last outcome", options: none },
  cancel: { description: "stop a job", options: [jobId] },
  pause: { description: "pause a job", options: [jobId] },
  resume: { description: "resume a paused job", options: [jobId] },
  tz: { description: "your time zone for /at, /cron and /jobs, e.g. Asia/Shanghai", options: [option("zone", "an IANA zone such as Europe/Paris")] },
};

/** The application commands (CHAT_INPUT, type 1; string options, type 3) as Discord's bulk overwrite takes them. */
export function slashCommands() {
  return Object.entries(specs).map(([name, spec]) => ({
    name,
    type: 1,
    description: spec.description.slice(0, 100),
    ...(spec.options.length > 0
      ? {
          options: spec.options.map((each) => ({
            type: 3,
            name: each.name,
            description: each.description.slice(0, 100),
            required: each.isRequired,
            ...(each.choices ? { choices: each.choices.map((choice) => ({ name: choice, value: choice })) } : {}),
          })),
        }
      : {}),
  }));
}

/** The typed command a slash command stands for: `/cron schedule:0 9 * * 1-5 prompt:notes` → `/cron "0 9 * * 1-5" notes`. */
export function slashText(name: string, given: readonly { name: string; value?: string | number | boolean | null }[]): string {
  const spec = (specs as Record<string, SlashSpec | undefined>)[name];
  const valueOf = (each: { value?: string | number | boolean | null }) => String(each.value ?? "").trim();
  const words = spec
    ? spec.options.flatMap((each) => {
        const supplied = given.find((candidate) => candidate.name === each.name);
        const value = supplied ? valueOf(supplied) : "";
        if (!value) return [];
        return [each.isQuoted ? `"${value.replace(/"/g, "")}"` : value];
      })
    : given.map(valueOf).filter(Boolean);
  return [`/${name}`, ...words].join(" ");
}

/** Registers them globally (a bulk overwrite: commands removed from Pincer disappear from Discord too). */
export async function registerSlashCommands(rest: DiscordRest, applicationId: string): Promise<void> {
  await rest.request("PUT", `/applications/${applicationId}/commands`, { body: slashCommands() });
}
