import type { FeishuConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";

// STUB: replaced by the adapter's real implementation.
export function createFeishuAdapter(_settings: FeishuConfig, _deps: AdapterDeps): Adapter {
  throw new BridgeError("unsupported", "feishu adapter not built yet");
}
