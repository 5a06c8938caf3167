/**
 * The freedesktop Secret Service backend (GNOME Keyring, KDE Wallet,
 * KeePassXC): libsecret's `secret-tool` over the D-Bus session bus. The item
 * is found by the attributes `service` and `account`; `secret-tool store`
 * reads the secret from standard input and replaces the item in one step.
 *
 * `secret-tool lookup` and `clear` exit 1 without a word both when the item
 * does not exist and when it sits in a locked collection; a `search` then
 * tells the two apart (a locked item is listed without its secret).
 *
 * @module
 */
import type { PlexError } from "../lib/errors.ts";
import type { BackendFactory, KeychainBackend, KeychainItem } from "./_keychain_backend.ts";
import { keychainError, type KeychainHints } from "./_keychain_errors.ts";
import { describeEnd, runTool, type SpawnResult, type ToolContext } from "./_keychain_spawn.ts";

/** The Secret Service command-line tool, looked up in `PATH`. */
export const SECRET_TOOL = "secret-tool";

/** The longest secret `secret-tool store` reads from standard input (it cuts anything longer). */
export const SECRET_TOOL_MAX_SECRET_BYTES = 8191;

const _HINTS: KeychainHints = {
  missing: "Install libsecret's secret-tool (Debian and Ubuntu: apt install libsecret-tools; " +
    "Fedora: dnf install libsecret)",
  timeout: "The keyring may be waiting for you to unlock it: answer the prompt and retry",
};

/**
 * The Secret Service backend for one item.
 *
 * @param item The service, account and label.
 * @param context How to run `secret-tool`.
 * @returns The backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { secretServiceBackend } from "./_keychain_secret_service.ts";
 * const backend = secretServiceBackend(
 *   { service: "plextv", account: "default", label: "plextv (default)" },
 *   { spawn: () => Promise.resolve({ exitCode: 0, signal: null, stdout: "eyJhIjoxfQ==", stderr: "" }), timeoutMs: 1000 },
 * );
 * assert.equal(await backend.read(), "eyJhIjoxfQ==");
 * ```
 */
export const secretServiceBackend: BackendFactory = (
  item: KeychainItem,
  context: ToolContext,
): KeychainBackend => {
  const attributes = ["service", item.service, "account", item.account];
  const run = (args: string[], stdin = "", secrets: string[] = []) =>
    runTool(context, { tool: SECRET_TOOL, command: SECRET_TOOL, args, stdin, secrets, hints: _HINTS });
  /** After a silent exit 1: whether the item exists in a locked collection. */
  const lockedItemExists = async (): Promise<boolean> => {
    const result = await run(["search", ...attributes]);
    const failure = _classify(result, "search", []);
    if (failure) throw failure;
    return /^\[\//m.test(result.stdout) || /locked/i.test(result.stderr);
  };
  return {
    name: "secret-service",
    async read(): Promise<string | undefined> {
      const result = await run(["lookup", ...attributes]);
      if (result.exitCode === 0) return result.stdout.replace(/\r?\n$/, "");
      const failure = _classify(result, "read", []);
      if (failure) throw failure;
      if (_silent(result)) {
        if (await lockedItemExists()) throw _locked("read");
        return undefined;
      }
      throw _unexpected(result, "read", []);
    },
    async write(secret: string): Promise<void> {
      const bytes = new TextEncoder().encode(secret).length;
      if (bytes > SECRET_TOOL_MAX_SECRET_BYTES) {
        throw keychainError(
          "store_error",
          `The data is too large for secret-tool: ${bytes} bytes encoded, at most ${SECRET_TOOL_MAX_SECRET_BYTES}`,
          "Store less data",
        );
      }
      const result = await run(["store", `--label=${item.label}`, ...attributes], secret, [secret]);
      const failure = _classify(result, "write", [secret]);
      if (failure) throw failure;
      if (result.exitCode !== 0) throw _unexpected(result, "write", [secret]);
    },
    async remove(): Promise<void> {
      const result = await run(["clear", ...attributes]);
      if (result.exitCode === 0) return;
      const failure = _classify(result, "delete", []);
      if (failure) throw failure;
      if (_silent(result)) {
        if (await lockedItemExists()) throw _locked("delete");
        return;
      }
      throw _unexpected(result, "delete", []);
    },
  };
};

function _silent(result: SpawnResult): boolean {
  return result.exitCode === 1 && result.stderr.trim() === "";
}

function _locked(operation: string, output?: { output: string; secrets: string[] }): PlexError {
  return keychainError(
    "store_locked",
    `The Secret Service keyring is locked (${operation})`,
    "Unlock it (sign in to the desktop, or unlock the login keyring in Passwords and Keys) and retry",
    output,
  );
}

/** Recognises the failures secret-tool reports on standard error. */
function _classify(result: SpawnResult, operation: string, secrets: string[]): PlexError | undefined {
  const stderr = result.stderr;
  if (stderr.trim() === "") return undefined;
  const output = { output: stderr, secrets };
  if (
    /autolaunch|DBUS_SESSION_BUS_ADDRESS|Could not connect|address is empty|Failed to connect|Connection refused|No such file or directory/i
      .test(stderr)
  ) {
    return keychainError(
      "store_unavailable",
      `No D-Bus session bus is reachable for the Secret Service (${operation})`,
      "Run plextv inside a desktop session, or start a session bus and a keyring (dbus-run-session, " +
        "gnome-keyring-daemon --unlock)",
      output,
    );
  }
  if (/not provided by any \.service files|ServiceUnknown|org\.freedesktop\.secrets/i.test(stderr)) {
    return keychainError(
      "store_unavailable",
      `No Secret Service is running on the D-Bus session bus (${operation})`,
      "Start one: GNOME Keyring (gnome-keyring-daemon --start --components=secrets), KeePassXC with " +
        "Secret Service integration, or KDE Wallet",
      output,
    );
  }
  if (/locked/i.test(stderr)) return _locked(operation, output);
  if (/dismissed|cancel/i.test(stderr)) {
    return keychainError(
      "access_denied",
      `The keyring's prompt was dismissed (${operation})`,
      "Accept the prompt and retry",
      output,
    );
  }
  if (/AccessDenied|not allowed|Permission denied|denied/i.test(stderr)) {
    return keychainError(
      "access_denied",
      `The Secret Service denied access (${operation})`,
      "Check the keyring's access rules",
      output,
    );
  }
  if (/NoReply|Timeout was reached|did not receive a reply/i.test(stderr)) {
    return keychainError(
      "timeout",
      `The Secret Service did not answer (${operation})`,
      "The keyring may be waiting for you to unlock it: answer the prompt and retry",
      output,
    );
  }
  if (/too long/i.test(stderr)) {
    return keychainError(
      "store_error",
      `The Secret Service refused the data (${operation})`,
      "Store less data",
      output,
    );
  }
  return result.exitCode === 0 ? undefined : _unexpected(result, operation, secrets);
}

function _unexpected(result: SpawnResult, operation: string, secrets: string[]): PlexError {
  return keychainError(
    "store_error",
    `secret-tool failed to ${operation} the item (${describeEnd(result)})`,
    "Run secret-tool from a terminal to see why",
    { output: result.stderr, secrets },
  );
}
