/**
 * Exit codes of the `plextv` command and the error type the CLI throws for
 * what the user must fix (a bad flag, a missing passphrase, not signed in).
 *
 * @module
 */
import { isPlexError, PlexError, type PlexErrorCode } from "../errors.ts";

/**
 * The exit codes, as `gh` uses them: 0 ok, 1 failure, 2 usage or cancelled,
 * 4 authentication required.
 */
export const EXIT: { readonly ok: 0; readonly failure: 1; readonly usage: 2; readonly auth: 4 } = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 4,
};

/**
 * One of the exit codes: 0, 1, 2 or 4.
 */
export type ExitCode = typeof EXIT[keyof typeof EXIT];

/**
 * Options of a {@linkcode CliError}.
 */
export interface CliErrorOptions {
  /** The exit code. Default 1. */
  exitCode?: number;
  /** What the user can do about it, in one sentence without a trailing period. */
  hint?: string;
  /** The underlying error, shown under `--verbose`. */
  cause?: unknown;
  /** The user cancelled (Ctrl-C at a prompt, "no" to a question): reported as "Cancelled", not as an error. */
  cancelled?: boolean;
}

/**
 * An error the user can fix, with its exit code and a hint.
 */
export class CliError extends Error {
  /** The exit code. */
  readonly exitCode: number;
  /** What the user can do about it. */
  readonly hint?: string;
  /** Whether the user cancelled. */
  readonly cancelled: boolean;

  /**
   * Creates a CliError.
   *
   * @param message One sentence, sentence case, no trailing period, no secrets.
   * @param options Exit code, hint and cause.
   */
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.hint = options.hint;
    this.cancelled = options.cancelled ?? false;
  }
}

/**
 * A usage error (exit 2), e.g. an unknown flag.
 *
 * @param message What is wrong.
 * @param hint What to do instead.
 * @returns The error, to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageError } from "./exit.ts";
 * assert.equal(usageError("Unknown option --x", "Run plextv help").exitCode, 2);
 * ```
 */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: EXIT.usage, hint });
}

/**
 * The exit code of each {@linkcode PlexErrorCode}: 4 for "authenticate
 * (again)", 2 for bad arguments and cancellation, 1 for everything that
 * failed. A `Record` over the closed union, so a new code cannot be
 * forgotten (the compiler and a test check it).
 */
export const EXIT_CODES: Readonly<Record<PlexErrorCode, ExitCode>> = {
  client_id_missing: EXIT.failure,
  unauthorized: EXIT.auth,
  too_many_requests: EXIT.failure,
  verification_code_required: EXIT.auth,
  invalid_verification_code: EXIT.auth,
  ip_blocked: EXIT.failure,
  pin_expired: EXIT.failure,
  pin_required: EXIT.auth,
  jwk_missing: EXIT.auth,
  thumbprint_taken: EXIT.failure,
  invalid_client_id: EXIT.auth,
  no_token_source: EXIT.auth,
  expired_token: EXIT.auth,
  invalid_token: EXIT.auth,
  not_found: EXIT.failure,
  bad_request: EXIT.failure,
  server_error: EXIT.failure,
  http_error: EXIT.failure,
  invalid_response: EXIT.failure,
  response_too_large: EXIT.failure,
  network_error: EXIT.failure,
  timeout: EXIT.failure,
  aborted: EXIT.usage,
  redirect_refused: EXIT.failure,
  insecure_url: EXIT.usage,
  invalid_argument: EXIT.usage,
  server_unreachable: EXIT.failure,
  popup_closed: EXIT.usage,
  popup_blocked: EXIT.failure,
  pin_not_approved: EXIT.auth,
  unknown_store: EXIT.usage,
  store_error: EXIT.failure,
  store_corrupt: EXIT.failure,
  wrong_passphrase: EXIT.auth,
  store_unavailable: EXIT.failure,
  store_locked: EXIT.failure,
  access_denied: EXIT.failure,
};

/**
 * The exit code for an error: a {@linkcode CliError}'s own, the
 * {@linkcode EXIT_CODES} entry of a PlexError, 1 otherwise.
 *
 * @param err Anything caught.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exitCodeOf } from "./exit.ts";
 * import { PlexError } from "../errors.ts";
 * assert.equal(exitCodeOf(new PlexError("unauthorized", "Not signed in")), 4);
 * assert.equal(exitCodeOf(new PlexError("network_error", "Unreachable")), 1);
 * ```
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof PlexError) return EXIT_CODES[err.code] ?? EXIT.failure;
  return EXIT.failure;
}

/**
 * A plextv error about a setting the user made (a variable), reported with the hint it carries
 * instead of its code's (which names the command's options): its message, its code's exit code.
 *
 * @param err Anything caught.
 * @returns The error to throw: a `CliError` for a PlexError with a hint, anything else as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlexError } from "../errors.ts";
 * import { CliError, withOwnHint } from "./exit.ts";
 * const err = withOwnHint(new PlexError("insecure_url", "PLEXTV_URL: must use https", { hint: "Use https in PLEXTV_URL" }));
 * assert.ok(err instanceof CliError && err.exitCode === 2 && err.hint === "Use https in PLEXTV_URL");
 * ```
 */
export function withOwnHint(err: unknown): unknown {
  return isPlexError(err) && err.hint
    ? new CliError(err.message, { exitCode: exitCodeOf(err), hint: err.hint, cause: err })
    : err;
}
