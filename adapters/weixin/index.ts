import type { WeixinConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps } from "../../core/types/adapter.ts";

// STUB: replaced by the adapter's real implementation. Undefined while no login is stored in DATA_DIR.
export async function createWeixinAdapter(_settings: WeixinConfig, _deps: AdapterDeps): Promise<Adapter | undefined> {
  return undefined;
}
