import { isLocale, type Locale } from "./i18n/catalogue.ts";

/**
 * The language of the setup wizard in a terminal, before any configuration exists: PINCER_LOCALE (`en`, `zh-CN`), else a
 * Chinese LANG/LC_ALL (`zh_CN.UTF-8`, `zh_TW…`) means zh-CN; anything else is English.
 */
export function localeOf(env: Record<string, string | undefined>): Locale {
  const chosen = env.PINCER_LOCALE?.trim();
  if (chosen && isLocale(chosen)) return chosen;
  const system = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^zh/i.test(system) ? "zh-CN" : "en";
}
