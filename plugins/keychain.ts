/**
 * The keychain store: the device's secure data in the operating system's
 * keychain, so a desktop user never types a vault passphrase. Importing this
 * module registers the `keychain:SERVICE[/ACCOUNT]` store URI (account
 * `default` when left out); {@linkcode keychainStore} is the store itself.
 *
 * No native addon: the store runs the operating system's own tools, so it
 * works in `deno compile` and `bun build --compile` binaries.
 *
 * | platform | keychain | tool |
 * |----------|----------|------|
 * | macOS | login keychain | `/usr/bin/security` (writes through `security -i`) |
 * | Linux, BSD | Secret Service (GNOME Keyring, KDE Wallet, KeePassXC) | `secret-tool` (libsecret, D-Bus) |
 * | Windows | Credential Manager, generic credential `SERVICE/ACCOUNT` | Windows PowerShell calling `CredReadW` / `CredWriteW` / `CredDeleteW` |
 *
 * Security properties:
 * - The secret (the data as JSON, UTF-8, base64-encoded) reaches the tools on
 *   standard input only, never in a process's arguments; errors never show it
 *   and tool output is shown only after redaction.
 * - The tools run with a reduced environment ({@linkcode keychainToolEnvironment}):
 *   what they need (`PATH`, `HOME`, the D-Bus session, `XDG_*`, Windows' system
 *   folders), never `PLEX_PASSWORD`, `PLEX_TOKEN`, passphrases or other secrets.
 * - Every tool call has a timeout (30 s by default): a locked keychain may be
 *   waiting for the user, and a call that outlives it is stopped with a
 *   `timeout` error.
 * - A failure is an error, never a silent fall-back to plaintext: `store_unavailable`
 *   (no tool, no D-Bus session, no Secret Service, no keychain), `store_locked`,
 *   `access_denied` (the keychain, the OS or Deno's permissions refused),
 *   `timeout`, `store_error` (anything else, including data too large for the
 *   keychain: Credential Manager keeps 2560 bytes, `security -i` reads lines of
 *   4 KiB, `secret-tool` reads 8 KiB), `store_corrupt` (the item holds
 *   something else). Each hint says what to do and suggests the vault store.
 * - A save replaces the item in one step (`secret-tool store`, `security
 *   add-generic-password -U`, `CredWriteW`): two processes saving at once
 *   leave one complete value.
 *
 * @example The device data in the keychain (a recording spawner stands in for the OS tool here)
 * ```ts
 * import assert from "node:assert/strict";
 * import { keychainStore, type Spawner } from "./keychain.ts";
 *
 * let kept = "";
 * const fakeSecretTool: Spawner = (request) => {
 *   if (request.args[0] === "store") kept = request.stdin;
 *   return Promise.resolve({ exitCode: 0, signal: null, stdout: kept, stderr: "" });
 * };
 * const store = keychainStore({ service: "my-app", platform: "linux", spawn: fakeSecretTool });
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * assert.equal((await store.load())?.clientId, "0d6e7f2a");
 * ```
 *
 * @example Opening it by URI
 * Not run by `deno test --doc`: it needs a real OS keychain (the example above uses a stand-in).
 * ```ts ignore
 * import { StoreRegistry } from "@plexkit/plextv";
 * import { keychainScheme } from "@plexkit/plextv/plugins/keychain";
 *
 * const store = await new StoreRegistry(keychainScheme).open("keychain:my-app/work");
 * ```
 *
 * @module
 */
import process from "node:process";
import { PlexError } from "../lib/errors.ts";
import { timerMs } from "../lib/http/deadline.ts";
import type { SecureData, SecureStore } from "../lib/store/store.ts";
import type { OpenStoreOptions, StoreScheme } from "../lib/store/registry.ts";
import type { BackendFactory, KeychainBackend, KeychainBackendName } from "./_keychain_backend.ts";
import { macosBackend } from "./_keychain_macos.ts";
import { decodeSecret, encodeSecret } from "./_keychain_secret.ts";
import { secretServiceBackend } from "./_keychain_secret_service.ts";
import { nodeSpawner, type Spawner } from "./_keychain_spawn.ts";
import { windowsBackend } from "./_keychain_windows.ts";

export type { KeychainBackendName } from "./_keychain_backend.ts";
export type { SecureData, SecureStore, StoreLock } from "../lib/store/store.ts";
export {
  nodeSpawner,
  type NodeSpawnerOptions,
  type Spawner,
  type SpawnRequest,
  type SpawnResult,
} from "./_keychain_spawn.ts";
export { CRED_MAX_CREDENTIAL_BLOB_SIZE } from "./_keychain_windows.ts";

/** The account used when a `keychain:` URI or the options name none. */
export const DEFAULT_KEYCHAIN_ACCOUNT = "default";

/** How long one keychain tool call may take by default, in milliseconds. */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 30_000;

const _MAX_NAME_LENGTH = 256;

/**
 * Options of {@linkcode keychainStore}.
 *
 * @example
 * ```ts
 * import type { KeychainStoreOptions } from "./keychain.ts";
 * const options: KeychainStoreOptions = { service: "my-app", account: "work", timeoutMs: 60_000 };
 * ```
 */
export interface KeychainStoreOptions {
  /** The service name (up to 256 characters, no control characters). */
  service: string;
  /** The account name (default `default`; same rules). */
  account?: string;
  /** The label keychain applications show (default `SERVICE (ACCOUNT)`). */
  label?: string;
  /** The operating system whose keychain to use (default: `process.platform`). */
  platform?: string;
  /** Runs the tools (default: {@linkcode nodeSpawner}); inject one to record or fake them. */
  spawn?: Spawner;
  /** How long one tool call may take, in milliseconds (default 30,000). */
  timeoutMs?: number;
  /**
   * Environment variables for the tools, over the reduced environment they get from this process
   * (see {@linkcode keychainToolEnvironment}; `undefined` removes one), e.g.
   * `DBUS_SESSION_BUS_ADDRESS` for another session bus.
   */
  env?: Record<string, string | undefined>;
}

/**
 * A {@linkcode SecureStore} in the operating system's keychain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keychainStore, type KeychainStore } from "./keychain.ts";
 * const store: KeychainStore = keychainStore({ service: "my-app", platform: "darwin" });
 * assert.ok(store.backend === "macos" && store.account === "default");
 * ```
 */
export interface KeychainStore<T = SecureData> extends SecureStore<T> {
  /** The item's service name. */
  readonly service: string;
  /** The item's account name. */
  readonly account: string;
  /** The keychain in use. */
  readonly backend: KeychainBackendName;
}

const _BACKENDS: Record<KeychainBackendName, BackendFactory> = {
  "macos": macosBackend,
  "secret-service": secretServiceBackend,
  "windows": windowsBackend,
};

/**
 * The keychain backend of a platform: `macos` for `darwin`, `windows` for
 * `win32`, `secret-service` for Linux, the BSDs and any other.
 *
 * @param platform A `process.platform` value.
 * @returns The backend's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keychainBackendFor } from "./keychain.ts";
 * assert.ok(keychainBackendFor("win32") === "windows" && keychainBackendFor("freebsd") === "secret-service");
 * ```
 */
export function keychainBackendFor(platform: string): KeychainBackendName {
  if (platform === "darwin") return "macos";
  if (platform === "win32") return "windows";
  return "secret-service";
}

/**
 * Creates a store that keeps JSON data (by default {@linkcode SecureData}) in
 * the keychain item `service`/`account` of the running operating system.
 * Nothing runs until the first call; each call runs the tool once (a load
 * or clear of a missing Secret Service item runs a second, checking search).
 *
 * @param options The item's names, and optionally the platform, spawner, timeout and environment.
 * @returns The store.
 * @throws {PlexError} `invalid_argument` for options that are not an object, an unknown option,
 * an empty or malformed name, a bad timeout, a platform that is not a string, a spawner that is not
 * a function or an environment that is not an object of strings. Its
 * methods throw `store_unavailable`, `store_locked`, `access_denied`, `timeout`, `store_error`
 * or `store_corrupt` (see the module documentation).
 *
 * @example Errors say what to do
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPlexError } from "../lib/errors.ts";
 * import { keychainStore } from "./keychain.ts";
 *
 * const store = keychainStore({
 *   service: "my-app",
 *   platform: "linux",
 *   spawn: () => Promise.reject(Object.assign(new Error("spawn secret-tool ENOENT"), { code: "ENOENT" })),
 * });
 * const err = await store.load().catch((err) => err);
 * assert.ok(isPlexError(err, "store_unavailable") && err.hint!.includes("--store vault:PATH"));
 * ```
 */
export function keychainStore<T = SecureData>(options: KeychainStoreOptions): KeychainStore<T> {
  _checkOptions(options);
  const service = _name(options.service, "service");
  const account = _name(options.account ?? DEFAULT_KEYCHAIN_ACCOUNT, "account");
  const label = options.label === undefined ? `${service} (${account})` : _name(options.label, "label");
  const timeoutMs = timerMs(options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS, "The keychain's timeoutMs");
  const backendName = keychainBackendFor(options.platform ?? process.platform);
  const backend: KeychainBackend = _BACKENDS[backendName]({ service, account, label }, {
    spawn: options.spawn ?? nodeSpawner(),
    timeoutMs,
    env: keychainToolEnvironment(options.env),
  });
  const item = `${service}/${account}`;
  return {
    service,
    account,
    backend: backendName,
    async load(): Promise<T | undefined> {
      const secret = await backend.read();
      return secret === undefined ? undefined : decodeSecret<T>(secret, item);
    },
    async save(data: T): Promise<void> {
      await backend.write(encodeSecret(data));
    },
    async clear(): Promise<void> {
      await backend.remove();
    },
  };
}

/**
 * Splits the text after `keychain:` into the service and the account: up to
 * the first `/` is the service, the rest the account.
 *
 * @param rest `SERVICE` or `SERVICE/ACCOUNT`.
 * @param defaultAccount The account when none is given.
 * @returns The service and account.
 * @throws {PlexError} `invalid_argument` when the service or the account after a `/` is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseKeychainUri } from "./keychain.ts";
 * assert.equal(parseKeychainUri("my-app").account, "default");
 * assert.equal(parseKeychainUri("my-app/work").account, "work");
 * ```
 */
export function parseKeychainUri(
  rest: string,
  defaultAccount: string = DEFAULT_KEYCHAIN_ACCOUNT,
): { service: string; account: string } {
  const slash = rest.indexOf("/");
  const service = slash < 0 ? rest : rest.slice(0, slash);
  const account = slash < 0 ? defaultAccount : rest.slice(slash + 1);
  if (service === "" || account === "") {
    throw new PlexError(
      "invalid_argument",
      "A keychain store URI is keychain:SERVICE or keychain:SERVICE/ACCOUNT",
      {
        hint: "For example --store keychain:plextv or --store keychain:plextv/work",
      },
    );
  }
  return { service, account };
}

const _OPTION_NAMES = ["service", "account", "label", "platform", "spawn", "timeoutMs", "env"];

/** Refuses options that are not {@linkcode KeychainStoreOptions}, before any name is read. */
function _checkOptions(options: unknown): void {
  if (!_isRecord(options)) {
    throw new PlexError("invalid_argument", "A keychain store's options must be an object", {
      hint: 'Pass at least a service name: keychainStore({ service: "my-app" })',
    });
  }
  const unknown = Object.keys(options).find((name) => !_OPTION_NAMES.includes(name));
  if (unknown !== undefined) {
    throw new PlexError("invalid_argument", `A keychain store has no option ${unknown}`, {
      hint: `Its options are ${_OPTION_NAMES.join(", ")}`,
    });
  }
  const { platform, spawn } = options as Partial<KeychainStoreOptions>;
  if (platform !== undefined && typeof platform !== "string") {
    throw new PlexError("invalid_argument", "The keychain's platform must be a process.platform string");
  }
  if (spawn !== undefined && typeof spawn !== "function") {
    throw new PlexError("invalid_argument", "The keychain's spawn must be a function");
  }
}

function _isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function _name(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") {
    throw new PlexError("invalid_argument", `A keychain store needs a non-empty ${what} name`);
  }
  // deno-lint-ignore no-control-regex
  if (value.length > _MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new PlexError(
      "invalid_argument",
      `The keychain ${what} name must be at most ${_MAX_NAME_LENGTH} characters without control characters`,
    );
  }
  return value;
}

/** What the keychain tools need from this process's environment: names, and prefixes ending in `_`. */
const _TOOL_ENVIRONMENT = [
  // Everywhere: where programs and the user's files are, the language.
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "LANGUAGE",
  "LC_",
  "TZ",
  "TMPDIR",
  // Linux and the BSDs: the D-Bus session bus of the Secret Service, and the display its unlock prompt uses.
  "DBUS_SESSION_BUS_ADDRESS",
  "XDG_",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "XAUTHORITY",
  "GNOME_KEYRING_CONTROL",
  // Windows: where Windows and PowerShell are, the user's profile.
  "SystemRoot",
  "windir",
  "SystemDrive",
  "ComSpec",
  "PATHEXT",
  "TEMP",
  "TMP",
  "USERPROFILE",
  "USERNAME",
  "USERDOMAIN",
  "APPDATA",
  "LOCALAPPDATA",
  "HOMEDRIVE",
  "HOMEPATH",
  "ProgramData",
  "ProgramFiles",
  "ProgramFiles(x86)",
  "ProgramW6432",
  "CommonProgramFiles",
  "CommonProgramFiles(x86)",
  "CommonProgramW6432",
  "PSModulePath",
  "PROCESSOR_ARCHITECTURE",
  "NUMBER_OF_PROCESSORS",
  "OS",
];

/**
 * The environment the keychain tools (`security`, `secret-tool`, PowerShell)
 * run with: only what they need from this process's environment (`PATH`,
 * `HOME`, `DBUS_SESSION_BUS_ADDRESS`, `XDG_*`, `LC_*`, Windows' system folders,
 * ...), then `extra` (`undefined` removes a variable). Nothing else is passed
 * on, so `PLEX_PASSWORD`, `PLEX_TOKEN`, the stores' passphrases and any other
 * secret in this process's environment never reach a child process.
 *
 * @param extra Variables to set (or, `undefined`, remove) over the allowed ones.
 * @returns The tools' complete environment.
 * @throws {PlexError} `invalid_argument` when `extra` is not an object or one of its values is
 *   neither a string nor `undefined` (the error names the variable, never its value).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keychainToolEnvironment } from "./keychain.ts";
 * const env = keychainToolEnvironment({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus" });
 * assert.equal(env.DBUS_SESSION_BUS_ADDRESS, "unix:path=/run/user/1000/bus");
 * assert.ok(!("PLEX_PASSWORD" in env) && !("PLEX_TOKEN" in env));
 * ```
 */
export function keychainToolEnvironment(
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  if (!_isRecord(extra)) {
    throw new PlexError(
      "invalid_argument",
      "The keychain's env must be an object of variable names and values",
    );
  }
  const env: Record<string, string> = {};
  for (const [name, value] of _allowedVariables()) env[name] = value;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else if (typeof value === "string") env[name] = value;
    else {throw new PlexError(
        "invalid_argument",
        `The keychain's env variable ${name} must be a string or undefined`,
      );}
  }
  return env;
}

function _allowedVariables(): [string, string][] {
  const windows = process.platform === "win32";
  const same = (a: string, b: string) => windows ? a.toUpperCase() === b.toUpperCase() : a === b;
  const allowed = (name: string) =>
    _TOOL_ENVIRONMENT.some((entry) =>
      entry.endsWith("_") ? (windows ? name.toUpperCase() : name).startsWith(entry) : same(name, entry)
    );
  let names: string[];
  try {
    names = Object.keys(process.env);
  } catch {
    // Deno allowed to read some variables only: ask for each exact name.
    names = _TOOL_ENVIRONMENT.filter((entry) => !entry.endsWith("_"));
  }
  const found: [string, string][] = [];
  for (const name of names) {
    if (!allowed(name)) continue;
    try {
      const value = process.env[name];
      if (value !== undefined) found.push([name, value]);
    } catch {
      // Not readable here: left out.
    }
  }
  return found;
}

/**
 * The `keychain:SERVICE[/ACCOUNT]` store URI, for a {@linkcode StoreRegistry}:
 * `new StoreRegistry(keychainScheme)`. Options of the store go in the open
 * options' `keychain` field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "../lib/store/registry.ts";
 * import { keychainScheme } from "./keychain.ts";
 * assert.ok(new StoreRegistry(keychainScheme).schemes().includes("keychain"));
 * ```
 */
export const keychainScheme: StoreScheme = Object.freeze({
  schemes: Object.freeze(["keychain"]),
  open: (rest: string, options: OpenStoreOptions) => {
    const extra = (options.keychain ?? {}) as Partial<KeychainStoreOptions>;
    if (!_isRecord(extra)) {
      throw new PlexError(
        "invalid_argument",
        "The keychain option must be an object of keychain store options",
        {
          hint: "For example { keychain: { timeoutMs: 60_000 } }",
        },
      );
    }
    return keychainStore<SecureData>({ ...extra, ...parseKeychainUri(rest, extra.account) });
  },
});
