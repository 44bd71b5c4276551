import { createHash, randomBytes } from "node:crypto";
import { mediaTooBig } from "../../core/media-size.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { readLimited } from "../kit/media-download.ts";
import type { IlinkClient } from "./client.ts";
import { decryptAesEcb, encodeAesKeyForMessage, encryptAesEcb, paddedSizeBytes, parseAesKey } from "./crypto.ts";
import type { CdnMedia } from "./protocol.ts";

export interface CdnOptions {
  cdnBase: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** `<cdn>/download?encrypted_query_param=…` (docs/protocol.md "CDN media reference"); a full_url wins. */
export function downloadUrl(cdnBase: string, encryptQueryParam: string): string {
  return `${trimSlash(cdnBase)}/download?encrypted_query_param=${encodeURIComponent(encryptQueryParam)}`;
}

/** `<cdn>/upload?encrypted_query_param=…&filekey=…` (src/cdn/cdn-url.ts buildCdnUploadUrl); upload_full_url wins. */
export function uploadUrl(cdnBase: string, uploadParam: string, filekey: string): string {
  return `${trimSlash(cdnBase)}/upload?encrypted_query_param=${encodeURIComponent(uploadParam)}&filekey=${encodeURIComponent(filekey)}`;
}

export interface UploadedMedia {
  media: CdnMedia;
  ciphertextSizeBytes: number;
  plaintextSizeBytes: number;
}

export function createCdn(options: CdnOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;

  return {
    /** GET the encrypted bytes and decrypt them with the key in any of its encodings. */
    async download(ref: { encryptQueryParam: string; aesKey: string; fullUrl?: string | undefined }, maxBytes: number): Promise<Buffer> {
      const key = parseAesKey(ref.aesKey);
      const url = ref.fullUrl || downloadUrl(options.cdnBase, ref.encryptQueryParam);
      let response: Response;
      try {
        response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new BridgeError("upstream", "Could not download the file from WeChat.", { cause: error });
      }
      if (!response.ok || !response.body) throw new BridgeError("upstream", `WeChat CDN download: HTTP ${response.status}`);
      // The encrypted file is the plain one plus up to 16 bytes of padding.
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      const encrypted = await readLimited(response.body, maxBytes + 16, (sizeBytes) => mediaTooBig(sizeBytes, maxBytes), declared);
      try {
        return decryptAesEcb(encrypted, key);
      } catch (error) {
        throw new BridgeError("upstream", "Could not decrypt the file from WeChat.", { cause: error });
      }
    },

    /** getuploadurl, then POST the AES-128-ECB ciphertext; the CDN answers the download parameter in `x-encrypted-param`. */
    async upload(client: IlinkClient, bytes: Uint8Array, mediaType: number, toUserId: string): Promise<UploadedMedia> {
      const key = randomBytes(16);
      const filekey = randomBytes(16).toString("hex");
      const ciphertext = encryptAesEcb(bytes, key);
      const answer = await client.getUploadUrl({
        filekey,
        media_type: mediaType,
        to_user_id: toUserId,
        rawsize: bytes.length,
        rawfilemd5: createHash("md5").update(bytes).digest("hex"),
        filesize: paddedSizeBytes(bytes.length),
        aeskey: key.toString("hex"),
      });
      const target = answer.upload_full_url?.trim() || (answer.upload_param ? uploadUrl(options.cdnBase, answer.upload_param, filekey) : undefined);
      if (!target) throw new BridgeError("upstream", "WeChat gave no upload address for the file.");
      let response: Response;
      try {
        response = await fetchImpl(target, {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body: ciphertext,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new BridgeError("upstream", "Could not upload the file to WeChat.", { cause: error });
      }
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 400 && response.status < 500) throw new BridgeError("bad-input", `WeChat refused the upload (HTTP ${response.status}).`);
      const downloadParam = response.headers.get("x-encrypted-param");
      if (!response.ok || !downloadParam) throw new BridgeError("upstream", `WeChat CDN upload: HTTP ${response.status}${downloadParam ? "" : ", no x-encrypted-param"}`);
      return {
        media: { encrypt_query_param: downloadParam, aes_key: encodeAesKeyForMessage(key), encrypt_type: 1 },
        ciphertextSizeBytes: ciphertext.length,
        plaintextSizeBytes: bytes.length,
      };
    },
  };
}

export type Cdn = ReturnType<typeof createCdn>;
