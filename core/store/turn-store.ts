import type { SessionInfo, SessionMessage } from "../types/agent.ts";
import type { ClaimOptions, InboxRow } from "./inbox-store.ts";
import type { ConversationChoice } from "../router.ts";
import type { RunOutcome, RunRecord } from "./store.ts";

/** How a conversation is taken: the claim's options, and the message that asks for the turn, when one does. */
export interface BeginOptions extends ClaimOptions {
  /**
   * A message just admitted (`received`): it joins the turn when it may (as a `queued` row would), or is queued, also
   * when the conversation is held by another holder (as `inbox.setStatus(key, "queued")` before the take).
   */
  queueKey?: string;
}

/** A conversation just taken: its next turn (no rows when nothing waits) and the conversation's own choice of agent. */
export interface BegunTurn {
  rows: InboxRow[];
  choice: ConversationChoice;
}

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
 * A turn's writes, each one store call (one statement on PostgreSQL), in the order a turn makes them: `begin` takes the
 * conversation and claims what waits in it, `start` opens the session and records the run, `finish` records what the
 * turn left behind (a turn recorded in its session is never run again after a crash), `end` gives the conversation back.
 */
export interface TurnStore {
  /**
   * Queues `queueKey`, takes the conversation's lease for `holder` (as `leases.acquire`) and, when it was free, claims
   * the next turn (as `inbox.claimQueued`) and reads the conversation's choice. Undefined when another holder has the
   * conversation.
   */
  begin(conversationKey: string, holder: string, leaseMs: number, options: BeginOptions): Promise<BegunTurn | undefined>;
  /** Opens the conversation's session when none is open (as `sessions.current`) and records the run's start under it. */
  start(run: Omit<RunRecord, "sessionId">, historyLimit: number): Promise<SessionInfo>;
  finish(turn: FinishedTurn): Promise<void>;
  /**
   * Gives the conversation's lease back (as `leases.release`) and says whether rows wait in it (as `inbox.hasQueued`),
   * read after the release: a row another process queued while its take was refused is seen here.
   */
  end(conversationKey: string, holder: string, options: Pick<ClaimOptions, "heldBehindSince">): Promise<boolean>;
}
