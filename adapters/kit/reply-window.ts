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
}

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
  return { contextToken, openedAt: now, sendsUsed: 0 };
}

export function checkWindow(window: ReplyWindow | undefined, now: number, limits: WindowLimits): WindowCheck {
  if (!window) return { isOpen: false, reason: "no-token" };
  if (now - window.openedAt >= limits.contextTokenTtlMs) return { isOpen: false, reason: "stale" };
  const sendsLeft = limits.sendsPerMessage - window.sendsUsed;
  return sendsLeft > 0 ? { isOpen: true, sendsLeft } : { isOpen: false, reason: "spent" };
}

export function useSend(window: ReplyWindow): ReplyWindow {
  return { ...window, sendsUsed: window.sendsUsed + 1 };
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
