/** Durations in the bot's sentences. */
export const timeEn = {
  "time.lessThanMinute": "less than a minute",
  "time.minutes": "{minutes} min",
  "time.hoursMinutes": "{hours} h {minutes} min",
  "time.days": "{days} days",
} as const;
