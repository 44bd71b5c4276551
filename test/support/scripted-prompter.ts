import type { Prompter } from "../../gateway/setup/prompter.ts";

/** One scripted answer: the kind of question, what its message must contain, and the answer (a function may act first). */
export type ScriptedAnswer = { kind: "select" | "input" | "password" | "confirm"; asks?: string | RegExp; answer: string | boolean | (() => string | boolean | Promise<string | boolean>) };

/**
 * A prompter that answers from a script, in order, and fails on a question the script did not expect: the
 * wizard's prompt layer driven as a person would, with everything it asked and said recorded.
 */
export function scriptedPrompter(script: ScriptedAnswer[], onSay: (text: string) => void = () => {}) {
  const remaining = [...script];
  const said: string[] = [];
  const asked: { kind: string; message: string; choices?: string[] }[] = [];
  async function next(kind: ScriptedAnswer["kind"], message: string, choices?: readonly { value: string }[]) {
    asked.push({ kind, message, ...(choices ? { choices: choices.map((choice) => choice.value) } : {}) });
    const step = remaining.shift();
    if (!step) throw new Error(`unexpected ${kind} question (the script is over): ${message}`);
    if (step.kind !== kind) throw new Error(`expected a ${step.kind} question, got ${kind}: ${message}`);
    if (step.asks !== undefined && !(typeof step.asks === "string" ? message.includes(step.asks) : step.asks.test(message))) {
      throw new Error(`expected a question about ${String(step.asks)}, got: ${message}`);
    }
    const answer = typeof step.answer === "function" ? await step.answer() : step.answer;
    if (choices && typeof answer === "string" && !choices.some((choice) => choice.value === answer)) throw new Error(`${answer} is not one of the choices of: ${message}`);
    return answer;
  }
  const prompter: Prompter = {
    select: async (message, choices) => (await next("select", message, choices)) as never,
    input: async (message) => String(await next("input", message)),
    password: async (message) => String(await next("password", message)),
    confirm: async (message) => Boolean(await next("confirm", message)),
    say(text) {
      said.push(text);
      onSay(text);
    },
  };
  return { prompter, said, asked, remaining };
}
