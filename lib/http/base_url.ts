/**
 * Which base URLs plextv accepts for plex.tv: `https:` anywhere, `http:` only
 * on loopback (the emulator, a local proxy).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { redactUrl } from "../redact.ts";

/**
 * Throws unless `url` may be used as a plex.tv base URL: `https:`, or `http:` on a loopback host.
 *
 * @param url The URL.
 * @throws {PlexError} `insecure_url` otherwise (the message shows the URL without credentials).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkBaseUrl } from "./base_url.ts";
 * checkBaseUrl("http://127.0.0.1:8080");
 * assert.throws(() => checkBaseUrl("http://plex.tv"), { code: "insecure_url" });
 * ```
 */
export function checkBaseUrl(url: string): void {
  if (allowedBaseUrl(url) !== undefined) return;
  throw new PlexError(
    "insecure_url",
    `The URL ${redactUrl(String(url))} must use https (http is accepted only for loopback hosts)`,
  );
}

/**
 * Parses `url` when it may be used as a plex.tv base URL (see {@linkcode checkBaseUrl}).
 *
 * @param url The URL.
 * @returns The parsed URL, or `undefined` when it is not a URL or not allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allowedBaseUrl } from "./base_url.ts";
 * assert.equal(allowedBaseUrl("https://plex.tv")?.origin, "https://plex.tv");
 * assert.equal(allowedBaseUrl("http://plex.tv"), undefined);
 * ```
 */
export function allowedBaseUrl(url: string): URL | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol !== "http:") return undefined;
  const host = parsed.hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
    ? parsed
    : undefined;
}
