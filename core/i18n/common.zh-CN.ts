import type { commonEn } from "./common.en.ts";

export const commonZhCN: Record<keyof typeof commonEn, string> = {
  "common.yes": "是",
  "common.no": "否",
  "common.never": "从未",
};
