import { BridgeError } from "../../core/types/errors.ts";

interface HttpishError {
  status?: number;
  name?: string;
  message?: string;
}

/** Turns an SDK error into a BridgeError whose message a chat user can act on. */
export function modelError(thrown: unknown, keyVariable: string): BridgeError {
  if (thrown instanceof BridgeError) return thrown;
  const error = (thrown ?? {}) as HttpishError;
  if (error.name === "AbortError" || error.name === "APIUserAbortError") {
    return new BridgeError("aborted", "Stopped.", { cause: thrown });
  }
  const status = error.status;
  if (status === 401 || status === 403) {
    return new BridgeError("unauthorized", `The model service refused the credentials (HTTP ${status}): check ${keyVariable}.`, { cause: thrown });
  }
  if (status === 429) {
    return new BridgeError("rate-limited", "The model service is rate-limiting us (HTTP 429) even after retries. Try again in a minute.", { cause: thrown });
  }
  if (status !== undefined && status >= 500) {
    return new BridgeError("upstream", `The model service failed (HTTP ${status}) even after retries. Try again in a minute.`, { cause: thrown });
  }
  if (status !== undefined) {
    return new BridgeError("upstream", `The model service rejected the request (HTTP ${status}).`, { cause: thrown });
  }
  return new BridgeError("upstream", "The model service could not be reached.", { cause: thrown });
}
