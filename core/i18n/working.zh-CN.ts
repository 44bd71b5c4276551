import type { workingEn } from "./working.en.ts";

export const workingZhCN: Record<keyof typeof workingEn, string> = {
  "working.notice": "⏳ 正在处理…",
};
