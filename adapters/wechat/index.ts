import type { WechatyConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";

// STUB: replaced by the adapter's real implementation.
export async function createWechatAdapter(_settings: WechatyConfig, _deps: AdapterDeps): Promise<Adapter> {
  throw new BridgeError("unsupported", "wechat adapter not built yet");
}
