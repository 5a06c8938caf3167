/**
 * Redaction of secrets in URLs and text, for logs and error messages.
 *
 * @module
 */

const SECRET_PARAMS = /([?&](?:X-Plex-Token|token|authToken|auth_token|deviceJWT|password|jwt)=)[^&#]*/gi;

/**
 * Replaces the values of token-bearing query parameters in a URL with `***`.
 *
 * @param url The URL text.
 * @returns The URL safe to log.
 *
 * @example
 * ```ts
 * import { redactUrl } from "./redact.ts";
 * console.assert(redactUrl("https://plex.tv/x?X-Plex-Token=abc&a=1") === "https://plex.tv/x?X-Plex-Token=***&a=1");
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, "$1***");
}

/**
 * Replaces every occurrence of each secret (4 characters or longer) in `text` with `***`.
 *
 * @param text The text to clean.
 * @param secrets The secrets to hide.
 * @returns The cleaned text.
 *
 * @example
 * ```ts
 * import { redactSecrets } from "./redact.ts";
 * console.assert(redactSecrets("token s3cr3t!", ["s3cr3t"]) === "token ***!");
 * ```
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("***");
  }
  return out;
}
