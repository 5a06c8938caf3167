/**
 * The plex.tv URL variables (`PLEXTV_URL`, `PLEXTV_V2_URL`,
 * `PLEXTV_DISCOVER_URL`) checked on their own, for a `plextv token` that
 * makes no request and so builds no configuration: a URL that could not be
 * used is refused all the same.
 *
 * @module
 */
import { isPlexError, PlexError } from "../errors.ts";
import { checkBaseUrl } from "../http/base_url.ts";

/**
 * Checks each plex.tv URL variable that is set, as the configuration checks it, and names the
 * variable at fault.
 *
 * @param env The environment.
 * @throws {PlexError} `invalid_argument` or `insecure_url` for a URL that cannot be used: its message
 *   starts with the variable's name, and its hint says what that variable takes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkUrlVariables } from "./url_variables.ts";
 * checkUrlVariables({ PLEXTV_URL: "http://127.0.0.1:32400" });
 * assert.throws(() => checkUrlVariables({ PLEXTV_DISCOVER_URL: "http://example.com" }), {
 *   code: "insecure_url",
 *   message: /^PLEXTV_DISCOVER_URL: The URL http:\/\/example\.com must use https/,
 *   hint: "Use https in PLEXTV_DISCOVER_URL, or http only for 127.0.0.1, localhost or [::1]",
 * });
 * ```
 */
export function checkUrlVariables(env: Record<string, string | undefined>): void {
  for (const name of ["PLEXTV_URL", "PLEXTV_V2_URL", "PLEXTV_DISCOVER_URL"]) {
    const value = env[name];
    if (!value) continue;
    try {
      checkBaseUrl(value);
    } catch (err) {
      if (!isPlexError(err)) throw err;
      throw new PlexError(err.code, `${name}: ${err.message}`, {
        hint: err.code === "insecure_url"
          ? `Use https in ${name}, or http only for 127.0.0.1, localhost or [::1]`
          : `Set ${name} to an absolute URL such as https://plex.tv, or unset it`,
      });
    }
  }
}
