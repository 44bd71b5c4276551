import type { mediaEn } from "./media.en.ts";

export const mediaZhCN: Record<keyof typeof mediaEn, string> = {
  "media.tooBig": "这个文件太大了（{size}；上限是 {limit}）。",
  "media.tooBigToDownload": "这个文件太大，我无法下载（{size}；我最多能从 {platform} 下载 {limit}）。",
  "media.tooBigOver": "这个文件太大了（超过 {limit}）。",
  "media.tooBigToSend": "{name} 太大，无法在这里发送（{size}；上限是 {limit}）。",
  "media.voiceTooLong": "这条语音长 {seconds} 秒；我最多接受 {max} 秒。",
  "media.noSpeechToText": "这里听不了语音消息：没有配置语音转文字（STT_PROVIDER）。请打字发送。",
  "media.noImages": "这里看不了图片（没有安装媒体组件）。",
  "media.noVideo": "我还看不了视频：请发一张截图，或者描述一下重点。",
  "media.unusable": "有一个附件我用不了。",
  "media.transcribing": "转写语音消息",
  "media.readingImage": "识别图片",
  "media.tookTooLong": "{what}耗时太长，我放弃了。",
};
