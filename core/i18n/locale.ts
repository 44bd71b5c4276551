import type { AdapterStateStore } from "../store/shared-state.ts";
import type { Locale } from "./catalogue.ts";

/**
 * The catalogue's language for a platform's language tag: `zh`, `zh-hans`, `zh-CN`, `zh_SG`… are Simplified
 * Chinese, `en-*` English; anything else (including Traditional Chinese, which the catalogue lacks) is undefined,
 * and the default (`PINCER_LOCALE`) applies.
 */
export function localeFromTag(tag: string | undefined | null): Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.trim().toLowerCase().replace(/_/g, "-");
  if (lower === "zh" || /^zh-(hans|cn|sg|my)\b/.test(lower)) return "zh-CN";
  if (lower === "en" || lower.startsWith("en-")) return "en";
  return undefined;
}

/** Where the language last seen from each person is kept, so that what is sent to them later (a job's result, an approval request in their DM) is in it. */
const namespace = "locale";

/** The language remembered for a person (`channelId:userId`), if any. */
export function rememberedLocale(state: AdapterStateStore, userRef: string, now: number): Promise<Locale | undefined> {
  return state.get<Locale>(namespace, userRef, now);
}

/** Remembers a person's language; `known` is what was remembered before (`rememberedLocale`): no write when unchanged. */
export async function rememberLocale(state: AdapterStateStore, userRef: string, locale: Locale, known: Locale | undefined): Promise<void> {
  if (known !== locale) await state.set(namespace, userRef, locale);
}

/** A person's language as last seen, else `fallback`. */
export async function localeOfUser(state: AdapterStateStore, userRef: string, fallback: Locale, now: number): Promise<Locale> {
  return (await rememberedLocale(state, userRef, now)) ?? fallback;
}
