import type { Attachment } from "./message.ts";

export const controlNames = ["new", "stop", "status", "usage", "model", "agent", "help", "remember", "memory", "forget", "kb"] as const;
export type ControlName = (typeof controlNames)[number];

/** Scheduled and background work (core/jobs). */
export const jobCommandNames = ["in", "at", "every", "cron", "bg", "hook", "jobs", "cancel", "pause", "resume", "tz"] as const;
export type JobCommandName = (typeof jobCommandNames)[number];

export type Command =
  | { type: "prompt"; text: string; attachments: Attachment[] }
  | { type: "control"; name: ControlName; args: string }
  | { type: "job"; name: JobCommandName; args: string }
  | { type: "approval"; requestId: string; isApproved: boolean; isAlways: boolean };
