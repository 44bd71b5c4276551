import type { timeEn } from "./time.en.ts";

export const timeZhCN: Record<keyof typeof timeEn, string> = {
  "time.lessThanMinute": "不到一分钟",
  "time.minutes": "{minutes} 分钟",
  "time.hoursMinutes": "{hours} 小时 {minutes} 分钟",
  "time.days": "{days} 天",
};
