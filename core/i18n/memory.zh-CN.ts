import type { memoryEn } from "./memory.en.ts";

export const memoryZhCN: Record<keyof typeof memoryEn, string> = {
  "memory.rememberUsage": "告诉我要记住什么：/remember <内容>，或 /remember --chat <内容> 让本会话所有人共享。",
  "memory.chatAdminOnly": "只有管理员可以让我为整个会话记住内容。",
  "memory.rememberedChat": "已为本会话记住：{text}",
  "memory.rememberedInGroup": "已为你记住（只在本群和你与我的私聊中使用）：{text}",
  "memory.remembered": "已记住：{text}",
  "memory.empty": "我在这里还什么都没记住。用 /remember <内容> 教我。",
  "memory.title": "我记得的内容：",
  "memory.chatMark": "（会话）",
  "memory.forgetHint": "用 /forget <序号> 忘记一条，或用 /forget all 全部忘记。",
  "memory.forgotOne": "已忘记 1 条记忆。",
  "memory.forgotMany": "已忘记 {count} 条记忆。",
  "memory.keptChat": "本会话的 {count} 条保留：只有管理员可以删除。",
  "memory.nothingToForget": "没有可以忘记的内容。",
  "memory.forgetUsage": "请发送 /forget <1–{count}> 或 /forget all（见 /memory）。",
  "memory.removeAdminOnly": "只有管理员可以删除本会话的记忆。",
  "memory.forgot": "已忘记：{text}",
  "memory.exportDirectOnly": "你的记忆只会发给你本人：请在与我的私聊中发送 /memory export。",
  "memory.exportCaptionOne": "我记得的关于你的全部内容：1 条记忆。",
  "memory.exportCaptionMany": "我记得的关于你的全部内容：{count} 条记忆。",
};
