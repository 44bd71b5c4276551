import { expect } from "vitest";
import { BridgeError } from "../../core/types/errors.ts";

/** The BridgeError `promise` rejects with; fails the test if it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<BridgeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BridgeError);
  return error as BridgeError;
}
