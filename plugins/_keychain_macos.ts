/**
 * The macOS Keychain backend: `/usr/bin/security`. Writes go through its
 * interactive mode (`security -i`, the command on standard input), so the
 * secret never appears in a process's arguments; reads print the password
 * with `find-generic-password -w`.
 *
 * `security` exits with the low byte of the Security framework's status:
 * 44 item not found (`errSecItemNotFound`), 45 duplicate item, 36 user
 * interaction not allowed (a locked keychain in an SSH session), 51
 * authentication failed (unlock refused), 29 interaction required, 128
 * cancelled by the user, 101 no access for item, 195 write permission
 * denied, 50 / 37 / 53 no such / no default / no available keychain.
 *
 * @module
 */
import type { PlexError } from "../lib/errors.ts";
import type { BackendFactory, KeychainBackend, KeychainItem } from "./_keychain_backend.ts";
import { keychainError, type KeychainHints } from "./_keychain_errors.ts";
import { parseSecurityPassword } from "./_keychain_secret.ts";
import { describeEnd, runTool, type SpawnResult, type ToolContext } from "./_keychain_spawn.ts";

/** The macOS `security` tool, by absolute path so `PATH` cannot substitute another. */
export const SECURITY_PATH = "/usr/bin/security";

/** The longest command line `security -i` reads (its buffer is 4096 bytes with the line break and NUL). */
export const SECURITY_MAX_LINE_BYTES = 4094;

const _NOT_FOUND = 44;
const _DUPLICATE = 45;

const _HINTS: KeychainHints = {
  missing: "The security tool ships with macOS at /usr/bin/security; check that it is there",
  timeout: "The keychain may be waiting for you to unlock it or to allow access: answer the dialog and retry",
};

/**
 * Quotes one argument for `security -i`, whose parser takes `"..."` with
 * backslash escapes.
 *
 * @param value The argument.
 * @returns The quoted argument.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteSecurityArgument } from "./_keychain_macos.ts";
 * assert.equal(quoteSecurityArgument('a "b" \\c'), '"a \\"b\\" \\\\c"');
 * ```
 */
export function quoteSecurityArgument(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * The macOS backend for one item.
 *
 * @param item The service, account and label.
 * @param context How to run `security`.
 * @returns The backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { macosBackend } from "./_keychain_macos.ts";
 * const backend = macosBackend(
 *   { service: "plextv", account: "default", label: "plextv (default)" },
 *   { spawn: () => Promise.resolve({ exitCode: 44, signal: null, stdout: "", stderr: "" }), timeoutMs: 1000 },
 * );
 * assert.equal(await backend.read(), undefined);
 * ```
 */
export const macosBackend: BackendFactory = (item: KeychainItem, context: ToolContext): KeychainBackend => {
  const run = (args: string[], stdin = "", secrets: string[] = []) =>
    runTool(context, { tool: "security", command: SECURITY_PATH, args, stdin, secrets, hints: _HINTS });
  return {
    name: "macos",
    async read(): Promise<string | undefined> {
      const result = await run(["find-generic-password", "-s", item.service, "-a", item.account, "-w"]);
      if (result.exitCode === 0) return parseSecurityPassword(result.stdout);
      if (_notFound(result)) return undefined;
      throw _failure(result, "read", []);
    },
    async write(secret: string): Promise<void> {
      const line = [
        "add-generic-password",
        "-U",
        "-s",
        quoteSecurityArgument(item.service),
        "-a",
        quoteSecurityArgument(item.account),
        "-l",
        quoteSecurityArgument(item.label),
        "-w",
        quoteSecurityArgument(secret),
      ].join(" ");
      const bytes = new TextEncoder().encode(line).length;
      if (bytes > SECURITY_MAX_LINE_BYTES) {
        const room = SECURITY_MAX_LINE_BYTES - (bytes - secret.length);
        throw keychainError(
          "store_error",
          `The data is too large for the macOS keychain: ${secret.length} bytes encoded, at most ${room} fit`,
          "Store less data, or a shorter service and account name",
        );
      }
      // Two processes adding the item at once: one gets errSecDuplicateItem; the retry updates it (-U).
      for (let attempt = 1;; attempt++) {
        const result = await run(["-i"], `${line}\n`, [secret]);
        if (result.exitCode === 0) return;
        if (result.exitCode === _DUPLICATE && attempt < 3) continue;
        throw _failure(result, "write", [secret]);
      }
    },
    async remove(): Promise<void> {
      const result = await run(["delete-generic-password", "-s", item.service, "-a", item.account]);
      if (result.exitCode === 0 || _notFound(result)) return;
      throw _failure(result, "delete", []);
    },
  };
};

function _notFound(result: SpawnResult): boolean {
  return result.exitCode === _NOT_FOUND || /item could not be found/i.test(result.stderr);
}

function _failure(result: SpawnResult, operation: string, secrets: string[]): PlexError {
  const output = { output: result.stderr, secrets };
  const interactionNotAllowed = /user interaction is not allowed/i.test(result.stderr);
  switch (interactionNotAllowed ? 36 : result.exitCode) {
    case 36:
    case 29:
      return keychainError(
        "store_locked",
        `The macOS keychain is locked and cannot ask to be unlocked (${operation})`,
        "Unlock it first (security unlock-keychain), for example when connected over SSH",
        output,
      );
    case 51:
      return keychainError(
        "store_locked",
        `The macOS keychain could not be unlocked (${operation})`,
        "Unlock it with its password and retry",
        output,
      );
    case 128:
    case 101:
    case 195:
      return keychainError(
        "access_denied",
        `The macOS keychain denied access to the item (${operation})`,
        "Allow access in the dialog or in Keychain Access",
        output,
      );
    case 50:
    case 37:
    case 53:
      return keychainError(
        "store_unavailable",
        `No macOS keychain is available (${operation})`,
        "Sign in to a desktop session with a login keychain",
        output,
      );
    default:
      return keychainError(
        "store_error",
        `security failed to ${operation} the item (${describeEnd(result)})`,
        "Run security from a terminal to see why",
        output,
      );
  }
}
