import type { pairingEn } from "./pairing.en.ts";

export const pairingZhCN: Record<keyof typeof pairingEn, string> = {
  "pairing.user": "我还不认识你。你的配对码是 **{code}**（{minutes} 分钟内有效）。",
  "pairing.group": "我还不认识这个群。它的配对码是 **{code}**（{minutes} 分钟内有效）。",
  "pairing.ask": "请让这个机器人的主人运行：`npm run pincer -- pairing approve {channel} {code}`",
};
