import type { refusalsEn } from "./refusals.en.ts";

export const refusalsZhCN: Record<keyof typeof refusalsEn, string> = {
  "refusals.budget.user": "已达到每日额度：你的上限是每天 {cap}。本次没有调用模型。额度在 UTC 00:00 重置，还有 {wait}。",
  "refusals.budget.chat": "已达到每日额度：本会话的上限是每天 {cap}。本次没有调用模型。额度在 UTC 00:00 重置，还有 {wait}。",
  "refusals.budget.tokens": "{count} 个 token",
  "refusals.jobsOff": "这里不支持定时任务。",
  "refusals.adminOnlyAgent": "只有管理员可以切换智能体。",
  "refusals.adminOnlyModel": "只有管理员可以切换模型。",
};
