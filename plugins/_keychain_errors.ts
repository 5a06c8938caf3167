/**
 * Typed errors of the keychain store: every hint ends by pointing at the
 * vault store, and tool output is shown only after redaction.
 *
 * @module
 */
import { PlexError, type PlexErrorCode } from "../lib/errors.ts";
import { redactSecrets } from "../lib/redact/secrets.ts";

/** The end of every keychain hint: the store that needs no keychain. */
export const VAULT_HINT = "or use the vault store instead: --store vault:PATH";

/**
 * What to tell the user when a tool is missing or does not answer in time.
 *
 * @example
 * ```ts
 * import type { KeychainHints } from "./_keychain_errors.ts";
 * const hints: KeychainHints = { missing: "Install libsecret-tools", timeout: "Unlock the keyring" };
 * ```
 */
export interface KeychainHints {
  /** What to do when the tool is not installed. */
  missing: string;
  /** What to do when the tool does not answer in time. */
  timeout: string;
}

/**
 * Options of {@linkcode keychainError}.
 *
 * @example
 * ```ts
 * import type { KeychainErrorOptions } from "./_keychain_errors.ts";
 * const options: KeychainErrorOptions = { output: "secret-tool: No such secret collection", secrets: [] };
 * ```
 */
export interface KeychainErrorOptions {
  /** The tool's error output, appended to the message after redaction. */
  output?: string;
  /** Secrets to hide from `output`. */
  secrets?: readonly string[];
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Creates a keychain {@linkcode PlexError} whose hint is `action` followed by
 * the vault alternative.
 *
 * @param code The error code.
 * @param message What failed, in one sentence.
 * @param action What the user can do first.
 * @param options The tool's output (redacted before use), secrets to hide, the cause.
 * @returns The error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keychainError } from "./_keychain_errors.ts";
 * const err = keychainError("store_locked", "The keyring is locked", "Unlock it");
 * assert.equal(err.hint, "Unlock it, or use the vault store instead: --store vault:PATH");
 * ```
 */
export function keychainError(
  code: PlexErrorCode,
  message: string,
  action: string,
  options: KeychainErrorOptions = {},
): PlexError {
  const output = options.output === undefined ? "" : cleanToolOutput(options.output, options.secrets ?? []);
  return new PlexError(code, output ? `${message}: ${output}` : message, {
    hint: `${action}, ${VAULT_HINT}`,
    cause: options.cause,
  });
}

// A long run of base64 characters mixing cases and digits: possibly a secret the tool echoed.
const _LONG_SECRETISH = /[A-Za-z0-9+/=_-]{32,}/g;
const _MAX_SHOWN = 300;

/**
 * Prepares a tool's error output for a message: removes the given secrets and
 * anything that looks like an encoded secret, joins the lines and shortens it.
 *
 * @param output The tool's standard error.
 * @param secrets Exact secrets to hide.
 * @returns One line of at most 300 characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cleanToolOutput } from "./_keychain_errors.ts";
 * assert.equal(cleanToolOutput("failed for c2VjcmV0\n", ["c2VjcmV0"]), "failed for ***");
 * ```
 */
export function cleanToolOutput(output: string, secrets: readonly string[]): string {
  const text = redactSecrets(output, secrets)
    .replace(
      _LONG_SECRETISH,
      (run) => /[0-9]/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run) ? "***" : run,
    )
    .replace(/\s+/g, " ")
    .trim();
  return text.length > _MAX_SHOWN ? `${text.slice(0, _MAX_SHOWN - 3)}...` : text;
}
