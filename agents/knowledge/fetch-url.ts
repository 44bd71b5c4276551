import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { basename } from "node:path";
import type { KnowledgeFile } from "../../core/knowledge.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { createAddressGuard, type ResolveHost } from "../tools/address-guard.ts";

export interface FetchUrlOptions {
  /** PINCER_FETCH_ALLOW: private hosts that may be fetched all the same. */
  allow: readonly string[];
  maxBytes: number;
  timeoutMs?: number;
  resolve?: ResolveHost;
}

const maxRedirects = 5;

/**
 * GETs a document for the knowledge base through the same address guard as `http_fetch`: loopback, private and
 * metadata addresses are refused unless PINCER_FETCH_ALLOW lists them, on every redirect; more than `maxBytes` is refused.
 */
export async function fetchDocument(raw: string, options: FetchUrlOptions, signal?: AbortSignal): Promise<KnowledgeFile> {
  const guard = createAddressGuard({ allow: options.allow, ...(options.resolve ? { resolve: options.resolve } : {}) });
  let url = new URL(raw);
  for (let redirects = 0; ; redirects += 1) {
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new BridgeError("bad-input", `Refused: only http and https URLs, not ${url.protocol}`);
    const checked = await guard.check(url);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(url, { method: "GET", lookup: checked.lookup, signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { "user-agent": "Pincer/0.1 (kb add)" } }, resolve);
      request.on("error", (error) => reject(new BridgeError("upstream", `Could not fetch ${url.href}: ${error.message}`, { cause: error })));
      request.end();
    });
    const status = response.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) {
      response.destroy();
      if (redirects === maxRedirects) throw new BridgeError("upstream", `Could not fetch ${raw}: more than ${maxRedirects} redirects.`);
      url = new URL(response.headers.location, url);
      continue;
    }
    if (status !== 200) {
      response.destroy();
      throw new BridgeError("upstream", `Could not fetch ${url.href}: HTTP ${status}.`);
    }
    const declared = Number(response.headers["content-length"] ?? 0);
    if (declared > options.maxBytes) {
      response.destroy();
      throw new BridgeError("unsupported", `${url.href} is too large (${declared} bytes; the limit is ${options.maxBytes}).`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        response.destroy();
        throw new BridgeError("unsupported", `${url.href} is too large (over ${options.maxBytes} bytes).`);
      }
      chunks.push(chunk);
    }
    const mimeType = String(response.headers["content-type"] ?? "").split(";")[0]!.trim() || undefined;
    const name = basename(url.pathname) || url.hostname;
    const fileName = /\.[a-z0-9]+$/i.test(name) ? name : `${name}${mimeType === "text/html" ? ".html" : ""}`;
    return { bytes: Buffer.concat(chunks), fileName, mimeType };
  }
}
