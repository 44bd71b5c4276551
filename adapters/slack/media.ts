import { z } from "zod";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { mediaTooBig } from "../../core/media-size.ts";
import { readLimited } from "../kit/media-download.ts";
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

/**
 * Downloads a file a person shared: `url_private` with `Authorization: Bearer <bot token>` (asking
 * `files.info` when the event carried no URL). Redirects are not followed: without `files:read`
 * Slack answers with its login page, which is an error here, not the file.
 */
export async function fetchSlackFile(ref: MediaRef, deps: SlackMediaDeps): Promise<FetchedMedia> {
  if (ref.sizeBytes !== undefined && ref.sizeBytes > deps.maxBytes) throw mediaTooBig(ref.sizeBytes, deps.maxBytes);
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
    if (typeof info.file.size === "number" && info.file.size > deps.maxBytes) throw mediaTooBig(info.file.size, deps.maxBytes);
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
  if (!response.body) throw new BridgeError("upstream", "Slack answered with no file.");
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const bytes = await readLimited(response.body, deps.maxBytes, (sizeBytes) => mediaTooBig(sizeBytes, deps.maxBytes), declared);
  return {
    bytes,
    mimeType: mimeType ?? (contentType.split(";")[0]!.trim() || "application/octet-stream"),
    ...(fileName ? { fileName } : {}),
  };
}
