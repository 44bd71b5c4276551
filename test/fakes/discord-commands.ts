/**
 * What Discord checks when an application's commands are overwritten in bulk (`PUT /applications/{id}/commands`),
 * for CHAT_INPUT commands with string options: https://discord.com/developers/docs/interactions/application-commands
 * (application command naming, option structure, "required options must be listed before optional options", at most
 * 25 options and 25 choices, at most 100 global CHAT_INPUT commands). Discord answers a breach with 400 / 50035.
 */
const namePattern = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

interface Choice {
  name?: unknown;
  value?: unknown;
}
interface Option {
  type?: unknown;
  name?: unknown;
  description?: unknown;
  required?: unknown;
  choices?: Choice[];
}
interface Command {
  name?: unknown;
  type?: unknown;
  description?: unknown;
  options?: Option[];
}

const describes = (text: unknown) => typeof text === "string" && text.length >= 1 && text.length <= 100;

function optionProblems(command: string, options: Option[]): string[] {
  const problems: string[] = [];
  if (options.length > 25) problems.push(`${command}: more than 25 options`);
  let hasOptional = false;
  const names = new Set<string>();
  for (const option of options) {
    const where = `${command}.${String(option.name)}`;
    if (typeof option.name !== "string" || !namePattern.test(option.name)) problems.push(`${where}: bad option name`);
    else if (names.has(option.name)) problems.push(`${where}: duplicate option name`);
    else names.add(option.name);
    if (!describes(option.description)) problems.push(`${where}: description must be 1-100 characters`);
    if (option.type !== 3) problems.push(`${where}: not a string option`);
    if (option.required === true && hasOptional) problems.push(`${where}: required options must come before optional ones`);
    if (option.required !== true) hasOptional = true;
    for (const choice of option.choices ?? []) if (!describes(choice.name) || typeof choice.value !== "string") problems.push(`${where}: bad choice`);
    if ((option.choices ?? []).length > 25) problems.push(`${where}: more than 25 choices`);
  }
  return problems;
}

/** The reasons Discord would refuse this bulk overwrite; none when it would accept it. */
export function commandProblems(body: unknown): string[] {
  if (!Array.isArray(body)) return ["body is not an array"];
  const commands = body as Command[];
  const problems: string[] = [];
  if (commands.length > 100) problems.push("more than 100 commands");
  const names = new Set<string>();
  for (const command of commands) {
    const name = typeof command.name === "string" ? command.name : "";
    if (!namePattern.test(name)) problems.push(`${name}: bad command name`);
    if (names.has(name)) problems.push(`${name}: duplicate command name`);
    names.add(name);
    if (command.type !== 1) problems.push(`${name}: not a CHAT_INPUT command`);
    if (!describes(command.description)) problems.push(`${name}: description must be 1-100 characters`);
    problems.push(...optionProblems(name, command.options ?? []));
  }
  return problems;
}
