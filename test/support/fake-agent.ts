import type { Agent, AgentContext, AgentEvent, AgentInput, ApprovalDecision, ApprovalRequest } from "../../core/types/agent.ts";

/**
 * One step of a fake agent's script:
 * - `say`: a text delta; `emit`: any event;
 * - `pause`: waits, cut short when the run is stopped;
 * - `ask`: requests an approval and goes on with the steps `then(decision)` returns;
 * - `fail`: throws.
 * A stopped run ends quietly before its next step, without `done` (as a real agent would).
 */
export type FakeStep =
  | { type: "say"; text: string }
  | { type: "emit"; event: AgentEvent }
  | { type: "pause"; ms: number }
  | { type: "ask"; request: ApprovalRequest; then: (decision: ApprovalDecision) => FakeStep[] }
  | { type: "fail"; error: unknown };

export const say = (text: string): FakeStep => ({ type: "say", text });
export const emit = (event: AgentEvent): FakeStep => ({ type: "emit", event });
export const pause = (ms: number): FakeStep => ({ type: "pause", ms });
export const fail = (error: unknown): FakeStep => ({ type: "fail", error });
export const ask = (request: ApprovalRequest, then: (decision: ApprovalDecision) => FakeStep[] = () => []): FakeStep => ({
  type: "ask",
  request,
  then,
});

/** Text deltas `pauseMs` apart (none before the first), so the answer streams. */
export function streamed(pieces: readonly string[], pauseMs = 0): FakeStep[] {
  return pieces.flatMap((text, index) => (index > 0 && pauseMs > 0 ? [pause(pauseMs), say(text)] : [say(text)]));
}

export interface FakeAgentOptions {
  id?: string;
  acceptsImages?: boolean;
}

export type FakeScript = (input: AgentInput, context: AgentContext) => FakeStep[];

/** The script that answers with the text it was given. */
export const echo: FakeScript = (input) => [say(input.text)];

function waitUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/**
 * The one fake agent of the tests: runs `script(input, context)` step by step, ends with `done`, and keeps every input
 * it was given and every approval decision it got.
 */
export function fakeAgent(script: FakeScript = echo, options: FakeAgentOptions = {}) {
  const inputs: AgentInput[] = [];
  const decisions: ApprovalDecision[] = [];

  async function* play(steps: readonly FakeStep[], context: AgentContext): AsyncGenerator<AgentEvent, boolean> {
    for (const step of steps) {
      if (context.signal.aborted) return false;
      switch (step.type) {
        case "say":
          yield { type: "text-delta", text: step.text };
          break;
        case "emit":
          yield step.event;
          break;
        case "pause":
          await waitUnlessStopped(step.ms, context.signal);
          if (context.signal.aborted) return false;
          break;
        case "ask": {
          const decision = await context.requestApproval(step.request);
          decisions.push(decision);
          if (!(yield* play(step.then(decision), context))) return false;
          break;
        }
        case "fail":
          throw step.error;
      }
    }
    return true;
  }

  const agent: Agent = {
    id: options.id ?? "fake",
    acceptsImages: options.acceptsImages ?? false,
    async *run(input, context) {
      inputs.push(input);
      if (yield* play(script(input, context), context)) yield { type: "done" };
    },
  };
  return { agent, inputs, decisions };
}
