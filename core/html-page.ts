import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";

export interface HtmlPage {
  html: string;
  headers: Record<string, string>;
}

export interface HtmlPageOptions {
  /**
   * Where the page's forms may post: nowhere (the default: the page talks through `fetch`) or its own origin. A page
   * whose forms post to itself sends its referrer to its own origin only (`same-origin`): under `no-referrer` a
   * browser sends `Origin: null` with a form's POST, which the same-origin check must refuse.
   */
  formAction?: "none" | "self";
}

/**
 * A page with its own inline scripts only (allowed by hash), that no other site may frame, which talks to this
 * origin alone.
 */
export function htmlPage(html: string, options: HtmlPageOptions = {}): HtmlPage {
  const hashes = [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map(
    ([, script]) => `'sha256-${createHash("sha256").update(script!, "utf8").digest("base64")}'`,
  );
  const policy = [
    "default-src 'none'",
    `script-src ${hashes.join(" ")}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    `form-action '${options.formAction ?? "none"}'`,
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    html,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": policy,
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": options.formAction === "self" ? "same-origin" : "no-referrer",
    },
  };
}

export function sendPage(response: ServerResponse, page: HtmlPage): void {
  response.writeHead(200, page.headers);
  response.end(page.html);
}
