import type { PromptResponse } from "@agentclientprotocol/sdk";
import type { AgentContext, AgentEvent } from "../../core/types/agent.ts";
import type { UpdateMapper } from "./updates.ts";

export type TurnItem =
  | { type: "events"; events: AgentEvent[] }
  | { type: "stop"; response: PromptResponse }
  | { type: "error"; error: unknown };

/** One prompt turn in flight: where its session's updates and permission requests go. */
export interface Turn {
  context: AgentContext;
  mapper: UpdateMapper;
  push(item: TurnItem): void;
  /** Resolves when an item is waiting (at once if one is). */
  ready(): Promise<void>;
  drain(): TurnItem[];
}

export function createTurn(context: AgentContext, mapper: UpdateMapper): Turn {
  const items: TurnItem[] = [];
  let wake: (() => void) | undefined;
  return {
    context,
    mapper,
    push(item) {
      items.push(item);
      wake?.();
    },
    ready() {
      if (items.length > 0) return Promise.resolve();
      return new Promise((resolve) => {
        wake = () => {
          wake = undefined;
          resolve();
        };
      });
    },
    drain: () => items.splice(0),
  };
}
