/** What the chat shows while the agent works on a platform that cannot stream. */
export const workingEn = {
  "working.notice": "⏳ Working on it…",
} as const;
