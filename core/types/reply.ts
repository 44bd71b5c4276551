import type { Locale } from "../i18n/catalogue.ts";
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
  | { type: "buttons"; text: string; buttons: Button[]; /** The reader's language, for the typed instruction where buttons are missing (default `en`). */ locale?: Locale }
  | { type: "error"; code: string; message: string; ref: string; /** The reader's language, for the words around the message (default `en`). */ locale?: Locale };

/** What pressing a button says: a button's id is a command without its slash (`approve 3f2a` → `/approve 3f2a`). */
export function buttonCommand(buttonId: string): string {
  return buttonId.startsWith("/") ? buttonId : `/${buttonId}`;
}
