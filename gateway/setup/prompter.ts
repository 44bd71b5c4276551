/** The wizard's questions, apart from the terminal: @inquirer/prompts in a terminal, scripted answers in tests. */
export interface Prompter {
  select<Value extends string>(message: string, choices: readonly { value: Value; name: string }[], defaultValue?: Value): Promise<Value>;
  input(message: string, defaultValue?: string): Promise<string>;
  /** Hidden input: nothing is echoed (not even a mask), and the answer is never printed. */
  password(message: string): Promise<string>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  say(text: string): void;
}

/** The terminal's prompter (works over SSH: plain ANSI on stdin/stdout). */
export async function terminalPrompter(output: NodeJS.WritableStream = process.stdout): Promise<Prompter> {
  const prompts = await import("@inquirer/prompts");
  return {
    select: (message, choices, defaultValue) => prompts.select({ message, choices: choices.map((choice) => ({ ...choice })), ...(defaultValue ? { default: defaultValue } : {}) }),
    input: (message, defaultValue) => prompts.input({ message, ...(defaultValue !== undefined ? { default: defaultValue } : {}) }),
    password: (message) => prompts.password({ message }),
    confirm: (message, defaultValue = true) => prompts.confirm({ message, default: defaultValue }),
    say: (text) => void output.write(`${text}\n`),
  };
}
