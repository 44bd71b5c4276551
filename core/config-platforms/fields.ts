import { z } from "zod";
import { BridgeError } from "../types/errors.ts";
import type { PlatformConfigPart } from "../types/channel.ts";

export const optionalUrl = z.url({ error: "expected an http(s) URL" }).optional();
export const urlWithDefault = (fallback: string) => z.url({ error: "expected an http(s) URL" }).default(fallback);
export const wsUrlWithDefault = (fallback: string) =>
  z.string().regex(/^wss?:\/\/\S+$/, { error: "expected a ws:// or wss:// URL" }).default(fallback);
export const count = (min: number, max: number, fallback: number) => {
  const expectation = { error: `expected an integer from ${min} to ${max}` };
  return z.coerce.number(expectation).int(expectation).min(min, expectation).max(max, expectation).default(fallback);
};

export const fail = (message: string): never => {
  throw new BridgeError("config", message);
};

/**
 * Checks a part where it is written, keeping what its `fromEnv` returns (a platform that is always on,
 * like ClawBot's endpoints, returns its settings without `undefined`).
 */
export const platformConfigPart = <Shape extends z.ZodRawShape, Result>(
  part: Omit<PlatformConfigPart<Shape, never>, "fromEnv"> & { fromEnv(values: z.infer<z.ZodObject<Shape>>): Result },
) => part;
