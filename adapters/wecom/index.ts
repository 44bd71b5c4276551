import type { WecomConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";

// STUB: replaced by the adapter's real implementation.
export function createWecomAdapter(_settings: WecomConfig, _deps: AdapterDeps): Adapter {
  throw new BridgeError("unsupported", "wecom adapter not built yet");
}
