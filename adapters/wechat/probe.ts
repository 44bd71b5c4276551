import { existsSync } from "node:fs";
import type { WechatyConfig } from "../../core/config-platforms.ts";
import { checkPuppetInstalled, loadSdk, memoryCardName } from "./index.ts";

/**
 * For `pincer doctor`: wechaty and the puppet are installed, and whether a session is stored. The
 * puppet is not started: a second login of the same account would log the running gateway out.
 */
export async function probeWechat(settings: WechatyConfig, dataDir: string): Promise<string> {
  await loadSdk();
  checkPuppetInstalled(settings.puppet);
  const card = `${memoryCardName(dataDir)}.memory-card.json`;
  return `${settings.puppet} is installed; ${existsSync(card) ? `a session is stored (${card})` : "no session yet: start Pincer and scan the QR code"}`;
}
