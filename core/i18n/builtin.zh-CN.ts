import type { builtinEn } from "./builtin.en.ts";

export const builtinZhCN: Record<keyof typeof builtinEn, string> = {
  "builtin.intro": "我是 Pincer 的内置智能体：我离线工作，背后没有模型。我收到了{received}。",
  "builtin.connect": "要得到真正的回答，请连接一个模型：设置 `OPENAI_BASE_URL`、`OPENAI_API_KEY` 和 `OPENAI_MODEL`（任何兼容 OpenAI 的接口），然后重启 Pincer。",
  "builtin.try": "在此之前，可以试试 `/echo hello`、`/status` 或 `/help`。",
  "builtin.empty": "一条空消息",
  "builtin.separator": "、",
  "builtin.quoted": "“{text}”",
  "builtin.voice": "一条语音，内容是“{transcript}”",
  "builtin.audio": "一段音频",
  "builtin.audioSeconds": "一段 {seconds} 秒的音频",
  "builtin.imageText": "一张图片，上面写着“{text}”",
  "builtin.image": "一张图片",
  "builtin.video": "一段视频",
  "builtin.file": "一个文件",
  "builtin.fileNamed": "一个文件（{name}）",
};
