import { createReplyMailbox } from "../kit/reply-mailbox.ts";
import { withWaitingCue, type WindowLimits } from "../kit/reply-window.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import { IlinkError } from "./client.ts";
import { sendStep, stepParts, toSteps, type Step, type StepSender } from "./outbound.ts";
import { windowClosedCode } from "./protocol.ts";
import type { WindowStore } from "./window-store.ts";

export interface MailboxDeps {
  store: WindowStore;
  sender: () => StepSender;
  limits: WindowLimits;
  logger: Logger;
  now: () => number;
  onSessionExpired: () => void;
}

/**
 * A failure that no later attempt can fix (the reply's file is gone, WeChat refuses the media):
 * such a step is dropped, never parked, or it would hold back every later reply to that user.
 */
const isPermanent = (error: unknown): boolean =>
  error instanceof BridgeError && (error.code === "bad-input" || error.code === "unsupported" || error.code === "internal");

/**
 * ClawBot's reply-window engine (adapters/kit/reply-mailbox.ts): a reply echoes the user's latest
 * context token; ret -2 (window closed) or an expired session parks the rest until the user writes again.
 */
export function createMailbox(deps: MailboxDeps) {
  return createReplyMailbox<Step>({
    store: deps.store,
    steps: {
      toSteps,
      stepParts,
      withCue: (step) => (step.kind === "text" ? { kind: "text", text: withWaitingCue(step.text) } : step),
    },
    send: (userId, window, step, clientId) => sendStep(deps.sender(), userId, window.contextToken, clientId, step),
    isRefusal: (error) => error instanceof IlinkError && (error.code === windowClosedCode || error.isSessionExpired),
    onRefused: (error) => {
      if (error instanceof IlinkError && error.isSessionExpired) deps.onSessionExpired();
    },
    isPermanent,
    limits: () => deps.limits,
    logger: deps.logger,
    now: deps.now,
  });
}

export type Mailbox = ReturnType<typeof createMailbox>;
