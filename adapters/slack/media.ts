import { z } from "zod";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError, localizedError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { toSlackBridgeError } from "./errors.ts";
import type { SlackClient } from "./outbound.ts";

export interface SlackMediaDeps {
  client: SlackClient;
  botToken: string;
  /** The Web API base: file URLs on its host are trusted with the bot token too (tests, Enterprise Grid proxies). */
  apiUrl: string;
  maxBytes: number;
  timeoutMs?: number;
}

const fileInfoSchema = z.object({
  file: z.object({ url_private: z.string().nullish(), mimetype: z.string().nullish(), name: z.string().nullish(), size: z.number().nullish() }),
});

const megabytes = (bytes: number) => `${Math.round(bytes / 1e5) / 10} MB`;

function tooBig(sizeBytes: number, maxBytes: number): BridgeError {
  return localizedError("unsupported", "media.tooBig", { size: megabytes(sizeBytes), limit: megabytes(maxBytes) });
}

/** The bot token goes only to Slack's own hosts (or the configured API's host), never to a link in a message. */
export function isTrustedFileUrl(url: string, apiUrl: string): boolean {
  try {
    const target = new URL(url);
    if (target.origin === new URL(apiUrl).origin) return true;
    return target.protocol === "https:" && (target.hostname === "slack.com" || target.hostname.endsWith(".slack.com") || target.hostname === "slack-files.com");
  } catch {
    return false;
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) throw tooBig(size, maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Downloads a file a person shared: `url_private` with `Authorization: Bearer <bot token>` (asking
 * `files.info` when the event carried no URL). Redirects are not followed: without `files:read`
 * Slack answers with its login page, which is an error here, not the file.
 */
export async function fetchSlackFile(ref: MediaRef, deps: SlackMediaDeps): Promise<FetchedMedia> {
  if (ref.sizeBytes !== undefined && ref.sizeBytes > deps.maxBytes) throw tooBig(ref.sizeBytes, deps.maxBytes);
  let { url, mimeType, fileName } = ref;
  if (!url) {
    let info: z.infer<typeof fileInfoSchema>;
    try {
      info = fileInfoSchema.parse(await deps.client.files.info({ file: ref.id }));
    } catch (error) {
      throw toSlackBridgeError(error, "the file's details");
    }
    url = info.file.url_private ?? undefined;
    mimeType ??= info.file.mimetype ?? undefined;
    fileName ??= info.file.name ?? undefined;
    if (typeof info.file.size === "number" && info.file.size > deps.maxBytes) throw tooBig(info.file.size, deps.maxBytes);
  }
  if (!url) throw new BridgeError("unsupported", "Slack did not give me a way to download that file.");
  if (!isTrustedFileUrl(url, deps.apiUrl)) throw new BridgeError("bad-input", "That file is not stored on Slack, so I did not download it.");
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${deps.botToken}` },
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs ?? 60_000),
    });
  } catch (error) {
    throw new BridgeError("upstream", "Could not download the file from Slack.", { cause: error });
  }
  const contentType = response.headers.get("content-type") ?? "";
  if ((response.status >= 300 && response.status < 400) || response.status === 401 || response.status === 403 || contentType.startsWith("text/html")) {
    await response.body?.cancel();
    throw new BridgeError("unauthorized", "Slack did not let me download that file (the app needs the files:read scope).");
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new BridgeError(response.status >= 500 ? "upstream" : "bad-input", `Slack answered ${response.status} for that file.`);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > deps.maxBytes) {
    await response.body?.cancel();
    throw tooBig(declared, deps.maxBytes);
  }
  const bytes = await readLimited(response, deps.maxBytes);
  return {
    bytes,
    mimeType: mimeType ?? (contentType.split(";")[0]!.trim() || "application/octet-stream"),
    ...(fileName ? { fileName } : {}),
  };
}
