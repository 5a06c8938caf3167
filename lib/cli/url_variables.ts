/**
 * The plex.tv URL variables (`PLEXTV_URL`, `PLEXTV_V2_URL`,
 * `PLEXTV_DISCOVER_URL`) checked on their own, for a `plextv token` that
 * makes no request and so builds no configuration: a URL that could not be
 * used is refused all the same.
 *
 * @module
 */
import { checkBaseUrl } from "../http/base_url.ts";

/**
 * Checks each plex.tv URL variable that is set, as the configuration checks it.
 *
 * @param env The environment.
 * @throws {PlexError} `invalid_argument` or `insecure_url` for a URL that cannot be used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkUrlVariables } from "./url_variables.ts";
 * checkUrlVariables({ PLEXTV_URL: "http://127.0.0.1:32400" });
 * assert.throws(() => checkUrlVariables({ PLEXTV_V2_URL: "http://example.com" }), { code: "insecure_url" });
 * ```
 */
export function checkUrlVariables(env: Record<string, string | undefined>): void {
  for (const name of ["PLEXTV_URL", "PLEXTV_V2_URL", "PLEXTV_DISCOVER_URL"]) {
    if (env[name]) checkBaseUrl(env[name]);
  }
}
