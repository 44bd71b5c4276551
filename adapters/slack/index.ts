import type { SlackConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";

// STUB: replaced by the adapter's real implementation.
export function createSlackAdapter(_settings: SlackConfig, _deps: AdapterDeps): Adapter {
  throw new BridgeError("unsupported", "slack adapter not built yet");
}
