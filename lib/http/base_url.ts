/**
 * Which base URLs plextv accepts for plex.tv: `https:` anywhere, `http:` only
 * on loopback (the emulator, a local proxy).
 *
 * @module
 */

/**
 * Whether `url` may be used as a plex.tv base URL: `https:`, or `http:` on a loopback host.
 *
 * @param url The URL.
 * @returns `true` when allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isAllowedBaseUrl } from "./base_url.ts";
 * assert.ok(isAllowedBaseUrl("http://127.0.0.1:8080") && !isAllowedBaseUrl("http://plex.tv"));
 * ```
 */
export function isAllowedBaseUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "https:") return true;
  if (parsed.protocol !== "http:") return false;
  const host = parsed.hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
