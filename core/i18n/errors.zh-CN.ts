import type { errorsEn } from "./errors.en.ts";

export const errorsZhCN: Record<keyof typeof errorsEn, string> = {
  "errors.withRef": "⚠️ {message}（编号 {ref}）",
  "errors.internal": "回答时出了点问题。",
  "errors.stopped": "已停止。",
  "errors.job": "任务 {id}：{message}",
  "errors.service.credentials": "{service}拒绝了凭据（HTTP {status}）：请检查 {variable}。",
  "errors.service.rateLimited": "{service}在重试后仍在限流（HTTP 429）。请一分钟后再试。",
  "errors.service.rejected": "{service}拒绝了请求（HTTP {status}）{hint}。",
  "errors.service.failed": "{service}出错了（HTTP {status}）。",
  "errors.service.unreachable": "无法连接{service}。",
};
