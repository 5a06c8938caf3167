/**
 * Exit codes of the `plextv` command and the error type the CLI throws for
 * what the user must fix (a bad flag, a missing passphrase, not signed in).
 *
 * @module
 */
import { PlexError, type PlexErrorCode } from "../errors.ts";

/**
 * The exit codes, as `gh` uses them: 0 ok, 1 failure, 2 usage or cancelled,
 * 4 authentication required.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXIT } from "./exit.ts";
 * assert.equal(EXIT.auth, 4);
 * ```
 */
export const EXIT: { readonly ok: 0; readonly failure: 1; readonly usage: 2; readonly auth: 4 } = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 4,
};

/**
 * Options of a {@linkcode CliError}.
 *
 * @example
 * ```ts
 * import type { CliErrorOptions } from "./exit.ts";
 * const options: CliErrorOptions = { exitCode: 2, hint: "Run plextv help" };
 * ```
 */
export interface CliErrorOptions {
  /** The exit code. Default 1. */
  exitCode?: number;
  /** What the user can do about it, in one sentence without a trailing period. */
  hint?: string;
  /** The underlying error, shown under `--verbose`. */
  cause?: unknown;
}

/**
 * An error the user can fix, with its exit code and a hint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError, EXIT } from "./exit.ts";
 * const err = new CliError("Unknown command foo", { exitCode: EXIT.usage, hint: "Run plextv help" });
 * assert.equal(err.exitCode, 2);
 * ```
 */
export class CliError extends Error {
  /** The exit code. */
  readonly exitCode: number;
  /** What the user can do about it. */
  readonly hint?: string;

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

const _AUTH_CODES: readonly PlexErrorCode[] = [
  "unauthorized",
  "expired_token",
  "invalid_token",
  "no_token_source",
  "jwk_missing",
  "invalid_client_id",
  "verification_code_required",
  "invalid_verification_code",
  "wrong_passphrase",
  "pin_required",
];

const _USAGE_CODES: readonly PlexErrorCode[] = [
  "aborted",
  "invalid_argument",
  "unknown_store",
  "insecure_url",
];

/**
 * The exit code for an error: a {@linkcode CliError}'s own, 4 for the
 * PlexErrors that mean "authenticate (again)", 2 for bad arguments and
 * cancellation, 1 otherwise.
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
  if (err instanceof PlexError) {
    if (_AUTH_CODES.includes(err.code)) return EXIT.auth;
    if (_USAGE_CODES.includes(err.code)) return EXIT.usage;
  }
  return EXIT.failure;
}
