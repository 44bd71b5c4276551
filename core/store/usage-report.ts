import type { UsageTotals } from "./store.ts";

/** What a usage breakdown groups by: the user (`platform:userId`), the chat (conversation key) or the model. */
export const usageDimensions = ["user", "chat", "model"] as const;
export type UsageDimension = (typeof usageDimensions)[number];

/** One UTC day's totals; `dayStart` is its midnight (UTC) in epoch ms. */
export type UsageDay = UsageTotals & { dayStart: number };

/** One user's, chat's or model's totals. */
export type UsageGroup = UsageTotals & { key: string };

/** One day's totals for one user in one chat with one model: the rows of the CSV export. */
export type UsageRollupRow = UsageTotals & { dayStart: number; userRef: string; conversationKey: string; model: string };

export const dayMs = 24 * 60 * 60 * 1000;
