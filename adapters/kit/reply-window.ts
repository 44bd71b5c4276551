/**
 * A reply window, as pure functions: platforms that allow replies only to a recent message (ClawBot's
 * context token, QQ's msg_id) for a few minutes and a few sends. A reply echoes the token of the
 * latest message; what does not fit the window is parked until the person writes again.
 */

export interface ReplyWindow {
  /** What a reply must echo: ClawBot's context token, QQ's msg_id. */
  contextToken: string;
  /** When the message that brought the token arrived (epoch ms). */
  openedAt: number;
  sendsUsed: number;
  /**
   * The last keyed steps the platform took in this conversation, oldest first, kept across windows (absent in
   * windows saved before they were kept). Saved in the same write as the count, so a step sent again after a crash
   * that came after that write is found here, and not sent a second time in a later window.
   */
  sentSteps?: SentStep[];
}

/** A step the platform took: its lasting identity (`StepKey`: the part's outbox key and its place) and the message it became. */
export interface SentStep {
  key: string;
  step: number;
  messageId: string;
}

/**
 * How many taken steps a conversation keeps: two full windows of QQ's (5 sends). A step is sent again with the
 * next start or claim of its part, before more than a reply or two went out in the conversation.
 */
const rememberedSteps = 10;

export interface WindowLimits {
  contextTokenTtlMs: number;
  sendsPerMessage: number;
}

export type WindowCheck =
  | { isOpen: true; sendsLeft: number }
  | { isOpen: false; reason: "no-token" | "stale" | "spent" };

/** A new inbound message opens a fresh window; the same token again (a redelivery) keeps the count. */
export function openWindow(current: ReplyWindow | undefined, contextToken: string, now: number): ReplyWindow {
  if (current && current.contextToken === contextToken) return current;
  return { contextToken, openedAt: now, sendsUsed: 0, ...(current?.sentSteps ? { sentSteps: current.sentSteps } : {}) };
}

export function checkWindow(window: ReplyWindow | undefined, now: number, limits: WindowLimits): WindowCheck {
  if (!window) return { isOpen: false, reason: "no-token" };
  if (now - window.openedAt >= limits.contextTokenTtlMs) return { isOpen: false, reason: "stale" };
  const sendsLeft = limits.sendsPerMessage - window.sendsUsed;
  return sendsLeft > 0 ? { isOpen: true, sendsLeft } : { isOpen: false, reason: "spent" };
}

/** A send the platform took: counted, and remembered when it has a lasting identity. */
export function useSend(window: ReplyWindow, sent?: SentStep): ReplyWindow {
  const used = { ...window, sendsUsed: window.sendsUsed + 1 };
  return sent ? { ...used, sentSteps: [...(window.sentSteps ?? []), sent].slice(-rememberedSteps) } : used;
}

/** The message a step became when the platform took it before (a re-send after a crash); undefined when it did not. */
export function sentBefore(window: ReplyWindow | undefined, key: string, step: number): string | undefined {
  return window?.sentSteps?.find((sent) => sent.key === key && sent.step === step)?.messageId;
}

/** The server refused a send with this token (ClawBot ret -2): nothing more goes out until the next message. */
export function closeWindow(window: ReplyWindow, limits: WindowLimits): ReplyWindow {
  return { ...window, sendsUsed: Math.max(window.sendsUsed, limits.sendsPerMessage) };
}

export const waitingCue = "(a reply that was waiting)";

/** The first parked text delivered after the user wrote again says that it is an older reply. */
export function withWaitingCue(text: string): string {
  return `${waitingCue}\n${text}`;
}

/**
 * Which of the parked parts (oldest first) go out now: as many as the window allows, in order,
 * never skipping one (a later part never overtakes an earlier one).
 */
export function partsToDeliver(parkedCount: number, check: WindowCheck): number {
  return check.isOpen ? Math.min(parkedCount, check.sendsLeft) : 0;
}
