import type { MediaRef } from "./message.ts";

export interface Button {
  id: string;
  label: string;
  style?: "primary" | "danger";
}

export type ReplyPart =
  | { type: "markdown"; text: string }
  | { type: "image"; media: MediaRef; caption?: string }
  | { type: "file"; media: MediaRef; caption?: string }
  | { type: "audio"; media: MediaRef; isVoice: boolean }
  | { type: "buttons"; text: string; buttons: Button[] }
  | { type: "error"; code: string; message: string; ref: string };
