import { commonEn } from "./common.en.ts";
import { commonZhCN } from "./common.zh-CN.ts";
import { consoleEn } from "./console.en.ts";
import { consoleZhCN } from "./console.zh-CN.ts";
import { conversationsEn } from "./conversations.en.ts";
import { conversationsZhCN } from "./conversations.zh-CN.ts";

/** The languages Pincer writes in: the console's and every message the bot itself writes in a chat. */
export const locales = ["en", "zh-CN"] as const;
export type Locale = (typeof locales)[number];

/**
 * One catalogue per language, composed of one file pair per area (`<area>.en.ts`, `<area>.zh-CN.ts`). The English
 * file defines the keys; the Chinese one is typed `Record<keyof …, string>`, so a key missing in either fails `tsc`.
 */
const english = { ...commonEn, ...consoleEn, ...conversationsEn } as const;
export type MessageKey = keyof typeof english;
const chinese: Record<MessageKey, string> = { ...commonZhCN, ...consoleZhCN, ...conversationsZhCN };
const catalogues: Record<Locale, Record<MessageKey, string>> = { en: english, "zh-CN": chinese };

export type MessageParams = Record<string, string | number>;

/** The message in `locale`, with each `{name}` replaced by `params.name` (left as written when not given). */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  return catalogues[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Every key of one language's catalogue (the test that both languages agree reads these). */
export const catalogueKeys = (locale: Locale): string[] => Object.keys(catalogues[locale]);

export const isLocale = (value: string): value is Locale => (locales as readonly string[]).includes(value);
