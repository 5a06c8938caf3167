/**
 * What each operating system's keychain backend provides to the keychain store.
 *
 * @module
 */
import type { ToolContext } from "./_keychain_spawn.ts";

/**
 * The keychain backends: macOS Keychain (`security`), the freedesktop Secret
 * Service (`secret-tool`, libsecret over D-Bus), Windows Credential Manager (PowerShell).
 *
 * @example
 * ```ts
 * import type { KeychainBackendName } from "./_keychain_backend.ts";
 * const name: KeychainBackendName = "secret-service";
 * ```
 */
export type KeychainBackendName = "macos" | "secret-service" | "windows";

/**
 * The keychain item a store reads and writes.
 *
 * @example
 * ```ts
 * import type { KeychainItem } from "./_keychain_backend.ts";
 * const item: KeychainItem = { service: "plextv", account: "default", label: "plextv (default)" };
 * ```
 */
export interface KeychainItem {
  /** The service name (macOS service, Secret Service attribute `service`, first half of the Windows target). */
  service: string;
  /** The account name (macOS account, attribute `account`, second half of the Windows target). */
  account: string;
  /** The label keychain applications show. */
  label: string;
}

/**
 * One backend: reads, writes and removes the item's secret text.
 *
 * @example
 * ```ts
 * import type { KeychainBackend } from "./_keychain_backend.ts";
 * let kept: string | undefined;
 * const backend: KeychainBackend = {
 *   name: "secret-service",
 *   read: () => Promise.resolve(kept),
 *   write: (secret) => Promise.resolve(void (kept = secret)),
 *   remove: () => Promise.resolve(void (kept = undefined)),
 * };
 * ```
 */
export interface KeychainBackend {
  /** Which backend this is. */
  readonly name: KeychainBackendName;
  /** The stored secret text, or `undefined` when the item does not exist. */
  read(): Promise<string | undefined>;
  /** Creates or replaces the item with `secret` (checks the backend's size limit first). */
  write(secret: string): Promise<void>;
  /** Deletes the item; nothing happens when it does not exist. */
  remove(): Promise<void>;
}

/**
 * Creates a backend for one item.
 *
 * @example
 * ```ts
 * import type { BackendFactory } from "./_keychain_backend.ts";
 * const factory: BackendFactory = (_item, _context) => ({
 *   name: "macos",
 *   read: () => Promise.resolve(undefined),
 *   write: () => Promise.resolve(),
 *   remove: () => Promise.resolve(),
 * });
 * ```
 */
export type BackendFactory = (item: KeychainItem, context: ToolContext) => KeychainBackend;
