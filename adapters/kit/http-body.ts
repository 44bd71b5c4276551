import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";

/** Reads a request body up to `maxBytes`; larger bodies are refused, not truncated. */
export async function readBody(request: IncomingMessage, maxBytes = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BridgeError("bad-input", `Body larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Reads a JSON body and checks it against `schema`. A body that is too large, not JSON or not the right shape
 * becomes a BridgeError("bad-input") whose message names the field: the caller answers it with a 400.
 */
export async function readJsonBody<T>(request: IncomingMessage, schema: z.ZodType<T>, maxBytes: number): Promise<T> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(request, maxBytes)).toString("utf8"));
  } catch (error) {
    throw error instanceof BridgeError ? error : new BridgeError("bad-input", "body is not JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BridgeError("bad-input", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return parsed.data;
}
