/** What the bot says when the policy or a cap says no. */
export const refusalsEn = {
  "refusals.budget.user": "Daily budget reached: your limit is {cap} a day. No model call was made. It resets at 00:00 UTC, in {wait}.",
  "refusals.budget.chat": "Daily budget reached: this chat's limit is {cap} a day. No model call was made. It resets at 00:00 UTC, in {wait}.",
  "refusals.budget.tokens": "{count} tokens",
  "refusals.jobsOff": "Scheduled jobs are not available here.",
  "refusals.adminOnlyAgent": "Only an admin can switch the agent.",
  "refusals.adminOnlyModel": "Only an admin can switch the model.",
} as const;
