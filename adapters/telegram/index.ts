import type { TelegramConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";

// STUB: replaced by the adapter's real implementation.
export function createTelegramAdapter(_settings: TelegramConfig, _deps: AdapterDeps): Adapter {
  throw new BridgeError("unsupported", "telegram adapter not built yet");
}
