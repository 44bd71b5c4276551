import { describe, expect, it } from "vitest";
import { catalogueKeys, isLocale, locales, translate, type MessageKey } from "../../../core/i18n/catalogue.ts";
import { localeFromTag } from "../../../core/i18n/locale.ts";
import { loadConfig } from "../../../core/config.ts";
import { localizedError, userMessage } from "../../../core/types/errors.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
const keys = catalogueKeys("en") as MessageKey[];

describe("the message catalogue", () => {
  it("has the same keys in English and in Simplified Chinese", () => {
    expect(keys.length).toBeGreaterThan(150);
    expect([...catalogueKeys("zh-CN")].sort()).toEqual([...keys].sort());
  });

  it("uses the same {placeholders} in both languages for every key", () => {
    const differing = keys.filter((key) => placeholders(translate("en", key)).join() !== placeholders(translate("zh-CN", key)).join());
    expect(differing).toEqual([]);
  });

  it("has a real translation: no empty entry, and the Chinese of a sentence is not its English", () => {
    expect(keys.filter((key) => !translate("en", key).trim() || !translate("zh-CN", key).trim())).toEqual([]);
    const untranslated = keys.filter((key) => /[a-z]{4,} [a-z]{3,}/i.test(translate("en", key)) && !/\p{Script=Han}/u.test(translate("zh-CN", key)));
    expect(untranslated).toEqual([]);
  });

  it("fills {params}, leaves unknown ones as written, and does not read placeholders inside the values", () => {
    expect(translate("en", "pairing.ask", { channel: "telegram", code: "ABCD2345" })).toBe("Ask the owner of this bot to run: `npm run pincer -- pairing approve telegram ABCD2345`");
    expect(translate("zh-CN", "pairing.user", { code: "ABCD2345", minutes: 60 })).toBe("我还不认识你。你的配对码是 **ABCD2345**（60 分钟内有效）。");
    expect(translate("en", "pairing.user", { code: "X" })).toContain("(valid for {minutes} min)");
    expect(translate("en", "memory.remembered", { text: "{code} stays" })).toBe("Remembered: {code} stays");
  });

  it("puts an error's reference in the reader's language", () => {
    expect(translate("en", "errors.withRef", { message: "Down.", ref: "e7k2" })).toBe("⚠️ Down. (ref e7k2)");
    expect(translate("zh-CN", "errors.withRef", { message: "出错了。", ref: "e7k2" })).toBe("⚠️ 出错了。（编号 e7k2）");
  });

  it("gives an error from the catalogue its English as the message, and each reader their own language, nested parts too", () => {
    const error = localizedError("budget-exceeded", "refusals.budget.user", { cap: { key: "refusals.budget.tokens", params: { count: "1,000" } }, wait: { key: "time.minutes", params: { minutes: 5 } } });
    expect(error.message).toBe("Daily budget reached: your limit is 1,000 tokens a day. No model call was made. It resets at 00:00 UTC, in 5 min.");
    expect(userMessage(error, "zh-CN")).toBe("已达到每日额度：你的上限是每天 1,000 个 token。本次没有调用模型。额度在 UTC 00:00 重置，还有 5 分钟。");
  });
});

describe("which language a user gets", () => {
  it("reads platform language tags: every Simplified Chinese form is zh-CN, English is en, anything else the default", () => {
    for (const tag of ["zh", "zh-hans", "zh-CN", "zh_CN", "zh-Hans-CN", "zh-SG", "ZH-HANS"]) expect(localeFromTag(tag)).toBe("zh-CN");
    for (const tag of ["en", "en-US", "en-GB"]) expect(localeFromTag(tag)).toBe("en");
    for (const tag of ["de", "zh-hant", "zh-TW", "", undefined]) expect(localeFromTag(tag)).toBeUndefined();
  });

  it("takes PINCER_LOCALE (en by default) and refuses any other value at start-up, naming the variable", () => {
    expect(loadConfig({}).locale).toBe("en");
    expect(loadConfig({ PINCER_LOCALE: "zh-CN" }).locale).toBe("zh-CN");
    expect(() => loadConfig({ PINCER_LOCALE: "fr" })).toThrow(/^PINCER_LOCALE: expected "en" or "zh-CN"/);
    expect(locales.every(isLocale)).toBe(true);
  });
});
