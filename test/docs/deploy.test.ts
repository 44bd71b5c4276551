import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { channelRegistry } from "../../gateway/registry.ts";

const deploy = readFileSync(join(import.meta.dirname, "..", "..", "docs/deploy.md"), "utf8");

/** How docs/deploy.md names each platform's long connection or poller (the web chat has none). */
const longConnectionNames: Record<Exclude<keyof typeof channelRegistry, "web">, string> = {
  telegram: "Telegram polling",
  slack: "Slack Socket Mode",
  feishu: "Feishu",
  wecom: "WeCom",
  wechaty: "wechaty",
  weixin: "ClawBot",
  discord: "Discord gateway",
  dingtalk: "DingTalk's Stream mode",
  qq: "QQ's WebSocket gateway",
};

describe("docs/deploy.md", () => {
  it("lists every platform's long connection among those one process holds at a time", () => {
    const start = deploy.indexOf("- **Long connections and pollers**");
    expect(start).toBeGreaterThanOrEqual(0);
    const bullet = deploy.slice(start, deploy.indexOf("\n\n", start)).replace(/\s+/g, " ");
    expect(Object.keys(longConnectionNames).sort()).toEqual(Object.keys(channelRegistry).filter((platform) => platform !== "web").sort());
    expect(Object.values(longConnectionNames).filter((name) => !bullet.includes(name))).toEqual([]);
  });
});
