/**
 * The one error type of plextv, with a closed union of codes so callers can
 * `switch (err.code)`, like jose's `JOSEError.code`.
 *
 * @module
 */

/**
 * Every code a {@linkcode PlexError} can carry. The union is closed: a new
 * failure mode gets a new member here, documented.
 *
 * - `client_id_missing`: no client identifier configured (plex.tv code 1000)
 * - `unauthorized`: plex.tv could not authenticate the user or token (1001, 401)
 * - `too_many_requests`: rate limited (429, code 1003)
 * - `verification_code_required`: 2FA is on and no code was sent (1029)
 * - `invalid_verification_code`: the 2FA code was wrong (1028)
 * - `ip_blocked`: too many failed sign-ins from this address (1031)
 * - `pin_expired`: the PIN is unknown or expired (404, code 1020)
 * - `pin_required`: switching to a protected home user needs its PIN (1041)
 * - `jwk_missing`: plex.tv has no public key for this client (1097)
 * - `thumbprint_taken`: the public key is already registered to another device
 * - `invalid_client_id`: stored data belongs to another client identifier
 * - `no_token_source`: a token source needs a registrar and none was given
 * - `expired_token`: the token's `exp` has passed (498)
 * - `invalid_token`: the token is malformed or its signature does not verify
 * - `not_found`: the resource does not exist (404)
 * - `bad_request`: plex.tv rejected the request (400, 422)
 * - `server_error`: plex.tv failed (5xx)
 * - `http_error`: any other unexpected HTTP status
 * - `invalid_response`: the response body is not what plex.tv sends
 * - `response_too_large`: the response body exceeded the size cap
 * - `network_error`: the request never got an HTTP answer
 * - `timeout`: the request took longer than its timeout
 * - `aborted`: the caller's `AbortSignal` fired
 * - `redirect_refused`: a redirect would leave the configured plex.tv origins
 * - `insecure_url`: an `http://` URL for a host other than loopback
 * - `invalid_argument`: the caller passed something unusable
 * - `server_unreachable`: no connection of a Plex Media Server answered
 * - `popup_closed`: the user closed the sign-in popup (browser)
 * - `popup_blocked`: the browser blocked the sign-in popup (browser)
 * - `pin_not_approved`: the user came back without approving the PIN (browser forward flow)
 * - `unknown_store`: a store URI names no registered scheme
 * - `store_error`: a store could not load, save or clear its data
 * - `store_corrupt`: a store's data is truncated, tampered or foreign
 * - `wrong_passphrase`: the vault passphrase does not open the vault
 * - `store_unavailable`: the store's backend (keychain, Redis) is not reachable
 * - `store_locked`: the store's backend is locked (a keychain waiting for the user)
 * - `access_denied`: the store's backend refused access
 *
 * @example Switching on the code
 * ```ts
 * import { PlexError } from "./errors.ts";
 *
 * function explain(err: unknown): string {
 *   if (!(err instanceof PlexError)) return "unexpected";
 *   switch (err.code) {
 *     case "verification_code_required":
 *       return "ask for the 2FA code";
 *     case "too_many_requests":
 *       return "slow down";
 *     default:
 *       return err.message;
 *   }
 * }
 * explain(new PlexError("too_many_requests", "Too many requests"));
 * ```
 */
export type PlexErrorCode =
  | "client_id_missing"
  | "unauthorized"
  | "too_many_requests"
  | "verification_code_required"
  | "invalid_verification_code"
  | "ip_blocked"
  | "pin_expired"
  | "pin_required"
  | "jwk_missing"
  | "thumbprint_taken"
  | "invalid_client_id"
  | "no_token_source"
  | "expired_token"
  | "invalid_token"
  | "not_found"
  | "bad_request"
  | "server_error"
  | "http_error"
  | "invalid_response"
  | "response_too_large"
  | "network_error"
  | "timeout"
  | "aborted"
  | "redirect_refused"
  | "insecure_url"
  | "invalid_argument"
  | "server_unreachable"
  | "popup_closed"
  | "popup_blocked"
  | "pin_not_approved"
  | "unknown_store"
  | "store_error"
  | "store_corrupt"
  | "wrong_passphrase"
  | "store_unavailable"
  | "store_locked"
  | "access_denied";

/** What to do about each code, in one sentence: the default {@linkcode PlexError.hint}. */
const HINTS: Partial<Record<PlexErrorCode, string>> = {
  client_id_missing: "Set a stable client identifier: create one with newClientId() once and keep it",
  unauthorized: "Sign in again: the token or the credentials were not accepted",
  too_many_requests: "Wait before retrying: plex.tv is rate limiting this client",
  verification_code_required: "Two-factor authentication is on: pass the 6-digit code as verificationCode",
  invalid_verification_code: "Check the 2FA code from the authenticator app and try again",
  ip_blocked: "Wait a while before signing in again: plex.tv blocked this address after repeated failures",
  pin_expired: "Request a new PIN and approve it before it expires",
  pin_required: "This home user is protected: pass its PIN",
  jwk_missing:
    "The device key is no longer registered (was the device removed?): register again with a new client identifier",
  thumbprint_taken: "This public key is registered to another device: generate a new key",
  expired_token: "Refresh the token or sign in again",
  invalid_token: "Sign in again: the token is not valid",
  server_error: "plex.tv failed: try again later",
};

/**
 * One error reported in a plex.tv error body, e.g.
 * `{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}`.
 *
 * @example
 * ```ts
 * import type { PlexErrorDetail } from "./errors.ts";
 * const detail: PlexErrorDetail = { code: 1001, message: "User could not be authenticated", status: 401 };
 * ```
 */
export interface PlexErrorDetail {
  /** The numeric Plex error code (1001, 1029, ...), when the body had one. */
  code?: number;
  /** The message plex.tv wrote. */
  message: string;
  /** The HTTP status plex.tv wrote inside the body, when it did. */
  status?: number;
  /**
   * The server connection (its URI, without a token) a probe tried: set on the
   * details of a failed `client.connect()`, whose messages are plextv's
   * findings rather than plex.tv's words.
   */
  connection?: string;
}

/**
 * Options of a {@linkcode PlexError}.
 *
 * @example
 * ```ts
 * import type { PlexErrorOptions } from "./errors.ts";
 * const options: PlexErrorOptions = { status: 429, retryAfter: 5, hint: "Wait and retry" };
 * ```
 */
export interface PlexErrorOptions {
  /** The HTTP status of the response that caused the error. */
  status?: number;
  /** The errors plex.tv reported in the response body. */
  details?: PlexErrorDetail[];
  /** What the user can do about it, in one sentence. Default: the code's own hint, when it has one. */
  hint?: string;
  /** Seconds to wait before retrying, from `Retry-After`. */
  retryAfter?: number;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The error every plextv function throws. Switch on {@linkcode PlexError.code};
 * `status`, `plexCode` and `details` carry what plex.tv said, `hint` what to do.
 * Messages never contain secrets.
 *
 * @example Handling 2FA
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlexError } from "./errors.ts";
 *
 * const err: unknown = new PlexError("verification_code_required", "Please enter the verification code", {
 *   status: 401,
 *   details: [{ code: 1029, message: "Please enter the verification code", status: 401 }],
 * });
 * assert.ok(err instanceof PlexError && err.code === "verification_code_required");
 * assert.equal(err.plexCode, 1029);
 * assert.match(err.hint ?? "", /2FA|verification/i);
 * ```
 */
export class PlexError extends Error {
  /** The machine-readable reason, from a closed union. */
  readonly code: PlexErrorCode;
  /** The HTTP status, when the error came from a response. */
  readonly status?: number;
  /** The errors listed in plex.tv's response body. */
  readonly details: readonly PlexErrorDetail[];
  /** What the user can do about it. */
  readonly hint?: string;
  /** Seconds to wait before retrying, when plex.tv said so. */
  readonly retryAfter?: number;

  /**
   * Creates a PlexError.
   *
   * @param code The reason, from {@linkcode PlexErrorCode}.
   * @param message One sentence, sentence case, no trailing period, no secrets.
   * @param options Status, details, hint, retry delay and cause.
   */
  constructor(code: PlexErrorCode, message: string, options: PlexErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PlexError";
    this.code = code;
    this.status = options.status;
    this.details = options.details ?? [];
    this.hint = options.hint ?? HINTS[code];
    this.retryAfter = options.retryAfter;
  }

  /** The first Plex error code in the response body (1001, 1029, ...), if any. */
  get plexCode(): number | undefined {
    return this.details.find((d) => d.code !== undefined)?.code;
  }
}

/**
 * Whether `err` is a {@linkcode PlexError}, optionally with one of `codes`.
 *
 * @param err Anything caught.
 * @param codes The codes to accept; any code when empty.
 * @returns `true` when `err` is a PlexError with one of the codes (its `code` is narrowed to them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPlexError, PlexError } from "./errors.ts";
 * const err: unknown = new PlexError("pin_expired", "The PIN expired");
 * assert.ok(isPlexError(err, "pin_expired"));
 * if (isPlexError(err, "pin_expired", "aborted")) {
 *   const code: "pin_expired" | "aborted" = err.code; // narrowed to the codes asked for
 *   assert.equal(code, "pin_expired");
 * }
 * ```
 */
export function isPlexError<C extends PlexErrorCode = PlexErrorCode>(
  err: unknown,
  ...codes: C[]
): err is PlexError & { readonly code: C } {
  return err instanceof PlexError && (codes.length === 0 || (codes as PlexErrorCode[]).includes(err.code));
}
