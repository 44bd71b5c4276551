import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig, variableNames } from "../../core/config.ts";
import { parseEnv } from "node:util";

const example = parseEnv(readFileSync(new URL("../../.env.example", import.meta.url), "utf8"));

describe(".env.example", () => {
  it("documents every variable Pincer reads, and no other", () => {
    expect(Object.keys(example).sort()).toEqual([...variableNames].sort());
  });

  it("loads as it is: its values are the defaults and turn on no platform", () => {
    const config = loadConfig(example);
    expect(config.platforms).toMatchObject({ telegram: undefined, slack: undefined, feishu: undefined, wechaty: undefined, wecom: undefined });
    expect(config.defaultAgent).toBe("builtin");
  });
});
