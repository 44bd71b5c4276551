import { commonEn } from "./common.en.ts";
import { commonZhCN } from "./common.zh-CN.ts";
import { consoleEn } from "./console.en.ts";
import { consoleZhCN } from "./console.zh-CN.ts";
import { pairingEn } from "./pairing.en.ts";
import { pairingZhCN } from "./pairing.zh-CN.ts";
import { errorsEn } from "./errors.en.ts";
import { errorsZhCN } from "./errors.zh-CN.ts";
import { mediaEn } from "./media.en.ts";
import { mediaZhCN } from "./media.zh-CN.ts";
import { workingEn } from "./working.en.ts";
import { workingZhCN } from "./working.zh-CN.ts";
import { refusalsEn } from "./refusals.en.ts";
import { refusalsZhCN } from "./refusals.zh-CN.ts";
import { timeEn } from "./time.en.ts";
import { timeZhCN } from "./time.zh-CN.ts";
import { controlEn } from "./control.en.ts";
import { controlZhCN } from "./control.zh-CN.ts";
import { approvalsEn } from "./approvals.en.ts";
import { approvalsZhCN } from "./approvals.zh-CN.ts";
import { memoryEn } from "./memory.en.ts";
import { memoryZhCN } from "./memory.zh-CN.ts";
import { knowledgeEn } from "./knowledge.en.ts";
import { knowledgeZhCN } from "./knowledge.zh-CN.ts";
import { jobsEn } from "./jobs.en.ts";
import { jobsZhCN } from "./jobs.zh-CN.ts";
import { builtinEn } from "./builtin.en.ts";
import { builtinZhCN } from "./builtin.zh-CN.ts";
import { setupEn } from "./setup.en.ts";
import { setupZhCN } from "./setup.zh-CN.ts";
import { consoleDataEn } from "./console-data.en.ts";
import { consoleDataZhCN } from "./console-data.zh-CN.ts";

/** The languages Pincer writes in: the console's and every message the bot itself writes in a chat. */
export const locales = ["en", "zh-CN"] as const;
export type Locale = (typeof locales)[number];

/**
 * One catalogue per language, composed of one file pair per area (`<area>.en.ts`, `<area>.zh-CN.ts`). The English
 * file defines the keys; the Chinese one is typed `Record<keyof …, string>`, so a key missing in either fails `tsc`.
 */
const english = {
  ...commonEn,
  ...consoleEn,
  ...pairingEn,
  ...errorsEn,
  ...mediaEn,
  ...workingEn,
  ...refusalsEn,
  ...timeEn,
  ...controlEn,
  ...approvalsEn,
  ...memoryEn,
  ...knowledgeEn,
  ...jobsEn,
  ...builtinEn,
  ...setupEn,
  ...consoleDataEn,
} as const;
export type MessageKey = keyof typeof english;
const chinese: Record<MessageKey, string> = {
  ...commonZhCN,
  ...consoleZhCN,
  ...pairingZhCN,
  ...errorsZhCN,
  ...mediaZhCN,
  ...workingZhCN,
  ...refusalsZhCN,
  ...timeZhCN,
  ...controlZhCN,
  ...approvalsZhCN,
  ...memoryZhCN,
  ...knowledgeZhCN,
  ...jobsZhCN,
  ...builtinZhCN,
  ...setupZhCN,
  ...consoleDataZhCN,
};
const catalogues: Record<Locale, Record<MessageKey, string>> = { en: english, "zh-CN": chinese };

export type MessageParams = Record<string, string | number>;

/** The message in `locale`, with each `{name}` replaced by `params.name` (left as written when not given). */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  return catalogues[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Every key of one language's catalogue (the test that both languages agree reads these). */
export const catalogueKeys = (locale: Locale): string[] => Object.keys(catalogues[locale]);

export const isLocale = (value: string): value is Locale => (locales as readonly string[]).includes(value);
