/**
 * What the CLI tells its user to do about each {@linkcode PlexErrorCode}: a
 * `plextv` command or flag, never a library option (the library's own hints
 * speak to programmers: `pass { passphrase }`, `withCredentials()`). A
 * `Record` over the closed union, so a new code cannot be forgotten; a test
 * checks that every hint names a command or a flag.
 *
 * @module
 */
import { PlexError, type PlexErrorCode } from "../errors.ts";
import { CliError, EXIT_CODES } from "./exit.ts";

/**
 * Where a hint points at the help of the command that failed; the error
 * report puts the command's name in its place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLI_HINTS, COMMAND_HELP } from "./hints.ts";
 * assert.ok(CLI_HINTS.invalid_argument.includes(COMMAND_HELP));
 * ```
 */
export const COMMAND_HELP = "plextv help COMMAND";

/**
 * The CLI's hint for each PlexError code.
 */
export const CLI_HINTS: Readonly<Record<PlexErrorCode, string>> = {
  client_id_missing: "Pass a client identifier with --client-id ID, or unset it to let plextv create one",
  unauthorized: "Run plextv login to sign in again",
  too_many_requests: "plex.tv is rate limiting this client: wait a minute (plextv --verbose shows how long)",
  verification_code_required: "Pass the current two-factor code with plextv login --code CODE",
  invalid_verification_code: "Check the authenticator app and pass the current code with --code CODE",
  ip_blocked:
    "plex.tv blocked this address after failed sign-ins: wait a while, or sign in with plextv login --pin",
  pin_expired: "Run plextv login again and approve the new code before it expires",
  pin_required:
    "Give the home user's PIN at the prompt, on stdin or in PLEXTV_HOME_PIN (plextv help home switch)",
  // The error already says that plex.tv no longer knows the key: the hint says why and what to do.
  jwk_missing: "Was the device removed at plex.tv? Run plextv login --force to register again",
  thumbprint_taken:
    "The device key belongs to another device: run plextv login --force to register a new one",
  invalid_client_id:
    "The store belongs to another client identifier: drop --client-id (and PLEXTV_CLIENT_ID), or run plextv logout --force",
  no_token_source: "Run plextv login, or set PLEX_TOKEN",
  expired_token: "Run plextv login to sign in again",
  invalid_token: "Run plextv login to sign in again",
  not_found: "plex.tv does not know it: check the name or id (plextv servers, plextv devices list them)",
  bad_request: "plex.tv refused the request: plextv --verbose shows what it said",
  server_error: "plex.tv has a problem: try again later (plextv --verbose shows its answer)",
  http_error: "plex.tv answered unexpectedly: plextv --verbose shows its answer",
  invalid_response: "plex.tv sent something plextv does not understand: plextv --verbose shows the details",
  response_too_large: "plex.tv sent more than plextv accepts: plextv --verbose shows the details",
  network_error:
    "Check the network connection (and PLEXTV_URL, if set), then try again; plextv --verbose shows each request",
  timeout:
    "plex.tv did not answer in time, and a request that may be repeated was tried 4 times at that timeout: check the network and try again (plextv --verbose shows each request)",
  aborted: "Run the plextv command again when ready",
  redirect_refused:
    "plex.tv redirected outside its hosts: check PLEXTV_URL (plextv --verbose shows the redirect)",
  insecure_url:
    "Use https in PLEXTV_URL and PLEXTV_V2_URL, or http only for 127.0.0.1, localhost or [::1] (plextv help)",
  invalid_argument: `Check the value given (${COMMAND_HELP} lists the options)`,
  server_unreachable:
    "Check that the server is online (plextv servers shows it); plextv connect SERVER --verbose shows each probe",
  popup_closed: "Sign in from the command line with plextv login",
  popup_blocked: "Sign in from the command line with plextv login",
  pin_not_approved: "Run plextv login again and approve the code",
  unknown_store:
    "Load the plugin of that scheme with --plugin MODULE, or choose a built-in store with --store URI",
  store_error:
    "Check the store (plextv status shows which one is in use), or choose another with --store URI",
  store_corrupt: "Restore the store from a backup, or clear it with plextv logout --force and sign in again",
  wrong_passphrase:
    "Check the passphrase; a forgotten one cannot be recovered (plextv logout --force clears the store)",
  store_unavailable: "Start or unlock the store's backend, or choose another store with --store vault:PATH",
  store_locked: "Unlock the keychain and try again, or choose another store with --store vault:PATH",
  access_denied: "Check the store's permissions, or choose another store with --store vault:PATH",
};

/**
 * The CLI's hint for a plextv error: its code's, or a more precise one where
 * the error names what is at fault (a store path holding a file that is no
 * vault, which `logout --force` leaves alone; an `env:` store's variable; a
 * store backend's own hint, such as the databases a Redis server has).
 *
 * @param err The error.
 * @returns The hint, with {@linkcode COMMAND_HELP} where the command's help belongs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlexError } from "../errors.ts";
 * import { CLI_HINTS, hintFor } from "./hints.ts";
 * assert.equal(hintFor(new PlexError("unauthorized", "Signed out")), CLI_HINTS.unauthorized);
 * assert.match(hintFor(new PlexError("store_corrupt", "The vault file /x is not a plextv vault")), /path/);
 * ```
 */
export function hintFor(err: PlexError): string {
  if (err.code === "store_corrupt" && / is (not|too large to be) a plextv vault\b/.test(err.message)) {
    return "Check the store's path (--store or PLEXTV_STORE): plextv neither replaces nor deletes a file that is not its vault";
  }
  if (err.code === "store_corrupt" && /^The environment variable [A-Z0-9_]+ /.test(err.message)) {
    return "Fix the variable named (plextv keys export --format env prints a device's variables)";
  }
  // A store that cannot be reached says what its backend needs (a Redis database the server has, ...).
  if (err.code === "store_unavailable" && err.hint) {
    const hint = err.hint.replace(/[.\s]+$/, "");
    // A hint that names the vault already (the keychain's) is not told it again.
    return hint.includes("--store vault:")
      ? hint
      : `${hint}; or choose another store with --store vault:PATH`;
  }
  return CLI_HINTS[err.code];
}

/**
 * What to do about a `PLEX_TOKEN` that is malformed, expired or rejected:
 * it wins over the store, so signing in again would not help.
 */
export const ENV_TOKEN_HINT = "Unset PLEX_TOKEN or set a valid one (plextv login --with-token stores one)";

const _TOKEN_CODES: readonly PlexErrorCode[] = ["unauthorized", "expired_token", "invalid_token"];

/**
 * The error to report when the command's token is `PLEX_TOKEN`: a token
 * error (malformed, expired, rejected by plex.tv) gets
 * {@linkcode ENV_TOKEN_HINT}, with the same message and exit code and the
 * error as its cause; any other error is returned as it is.
 *
 * @param err Anything caught.
 * @returns The error to report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlexError } from "../errors.ts";
 * import { blameEnvToken, ENV_TOKEN_HINT } from "./hints.ts";
 * const reported = blameEnvToken(new PlexError("invalid_token", "A malformed token"));
 * assert.ok(reported instanceof Error && "hint" in reported && reported.hint === ENV_TOKEN_HINT);
 * const other = new PlexError("network_error", "Cannot reach plex.tv");
 * assert.equal(blameEnvToken(other), other);
 * ```
 */
export function blameEnvToken(err: unknown): unknown {
  if (!(err instanceof PlexError) || !_TOKEN_CODES.includes(err.code)) return err;
  return new CliError(err.message, { exitCode: EXIT_CODES[err.code], cause: err, hint: ENV_TOKEN_HINT });
}
