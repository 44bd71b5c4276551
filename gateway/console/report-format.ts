import type { Locale } from "../../core/i18n/catalogue.ts";

/** Numbers, money and times as the Usage, Jobs and Audit log pages write them (in the page's language). */
export const formatCount = (locale: Locale, value: number): string => new Intl.NumberFormat(locale).format(value);

export const formatUsd = (locale: Locale, value: number): string =>
  new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: value > 0 && value < 1 ? 4 : 2 }).format(value);

export const formatShare = (locale: Locale, share: number): string => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(share);

/** `2026-12-06 18:30 UTC` (`18:30:05` with seconds): the console shows UTC, as the daily caps count. */
export const formatUtc = (at: number, hasSeconds = false): string => `${new Date(at).toISOString().slice(0, hasSeconds ? 19 : 16).replace("T", " ")} UTC`;

/** `2026-12-06`: a UTC day. */
export const formatDay = (at: number): string => new Date(at).toISOString().slice(0, 10);
