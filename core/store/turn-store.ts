import type { SessionMessage } from "../types/agent.ts";
import type { RunOutcome } from "./store.ts";

/** What a finished turn leaves behind, recorded together: a crash never keeps one part of it without the others. */
export interface FinishedTurn {
  /** The inbox rows the turn answered, finished (none after a shutdown: the next start runs the turn again). */
  doneKeys: readonly string[];
  /** What the turn adds to its session: the user's words and the answer. */
  session?: { id: string; messages: readonly SessionMessage[] };
  /** The outcome of the turn's run, when it started one. */
  run?: { ref: string; outcome: RunOutcome; endedAt: number; detail?: string };
}

/**
 * The end of a turn as one write (one transaction; one statement on PostgreSQL): the session's new messages, the
 * inbox rows done, the run's outcome. A turn recorded in its session is never run again after a crash.
 */
export interface TurnStore {
  finish(turn: FinishedTurn): Promise<void>;
}
