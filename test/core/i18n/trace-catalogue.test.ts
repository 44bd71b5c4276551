import { describe, expect, it } from "vitest";
import { traceEn } from "../../../core/i18n/trace.en.ts";
import { traceZhCN } from "../../../core/i18n/trace.zh-CN.ts";
import { translate } from "../../../core/i18n/catalogue.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("the trace area of the catalogue", () => {
  it("has the same keys and the same placeholders in English and Chinese", () => {
    expect(Object.keys(traceZhCN).sort()).toEqual(Object.keys(traceEn).sort());
    for (const [key, english] of Object.entries(traceEn)) {
      expect(placeholders(traceZhCN[key as keyof typeof traceEn]), key).toEqual(placeholders(english));
    }
  });

  it("says why a message was not answered in the reader's language", () => {
    const reason = (locale: "en" | "zh-CN") => translate(locale, "trace.policy.drop", { reason: translate(locale, "trace.reason.not-addressed") });
    expect(reason("en")).toBe("not answered: not addressed in group");
    expect(reason("zh-CN")).toBe("未回复：群聊中未@机器人");
  });
});
