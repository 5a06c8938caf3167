/**
 * Redaction of secrets in URLs (token query parameters, credentials), for logs and error messages.
 * Secrets known by value, and copies of errors, are redacted by `secrets.ts`.
 *
 * @module
 */

/** A secret query parameter's value ends at `&`, `#`, whitespace, a quote, a bracket or a parenthesis (URLs inside messages). */
const SECRET_PARAMS =
  /([?&](?:X-Plex-Token|token|authToken|auth_token|accessToken|access_token|deviceJWT|password|jwt)=)[^&#\s"'`<>()[\]{}]*/gi;
/**
 * `scheme://user:password@` or `scheme://user@`: the credentials of a URL, up to the last `@` before
 * the host (a URL parser splits there, so a password may hold an `@`).
 */
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'`<>()]*@/gi;

/**
 * Replaces the values of token-bearing query parameters (`X-Plex-Token`,
 * `deviceJWT`, `token`, ...) and the credentials of URLs (`user:password@`)
 * with `***`. Works on a URL or on any text containing URLs, such as a
 * runtime's error message.
 *
 * @param url The URL or text.
 * @returns The text safe to log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactUrl } from "./url.ts";
 * assert.equal(redactUrl("https://plex.tv/x?X-Plex-Token=abc&a=1"), "https://plex.tv/x?X-Plex-Token=***&a=1");
 * assert.equal(redactUrl("https://me:pw@host/x"), "https://***@host/x");
 * assert.equal(redactUrl("fetch (http://h/p?deviceJWT=e.y.j): refused"), "fetch (http://h/p?deviceJWT=***): refused");
 * ```
 */
export function redactUrl(url: string): string {
  return String(url).replace(SECRET_PARAMS, "$1***").replace(USERINFO, "$1***@");
}
