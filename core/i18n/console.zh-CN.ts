import type { consoleEn } from "./console.en.ts";

export const consoleZhCN: Record<keyof typeof consoleEn, string> = {
  "console.title": "Pincer 控制台",
  "console.nav.overview": "概览",
  "console.nav.conversations": "会话",
  "console.nav.approvals": "审批",
  "console.nav.jobs": "任务",
  "console.nav.usage": "用量",
  "console.nav.access": "配对与权限",
  "console.nav.audit": "审计日志",
  "console.nav.setup": "设置向导",
  "console.language": "语言",
  "console.logout": "退出登录",
};
