/**
 * The Web Storage the browser helpers keep their state in (`localStorage`,
 * `sessionStorage`, or any object with the same three methods), with every
 * failure of the browser's storage turned into a typed {@linkcode PlexError}.
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/**
 * The part of the Web Storage API the helpers use: `localStorage`,
 * `sessionStorage`, or anything with the same three methods.
 *
 * @example An in-memory storage
 * ```ts
 * import type { BrowserStorage } from "./storage.ts";
 * const items = new Map<string, string>();
 * const storage: BrowserStorage = {
 *   getItem: (key) => items.get(key) ?? null,
 *   setItem: (key, value) => void items.set(key, value),
 *   removeItem: (key) => void items.delete(key),
 * };
 * ```
 */
export interface BrowserStorage {
  /** The value under `key`, or `null`. */
  getItem(key: string): string | null;
  /** Keeps `value` under `key`. */
  setItem(key: string, value: string): void;
  /** Forgets `key`. */
  removeItem(key: string): void;
}

/**
 * `localStorage` or `sessionStorage` of this page.
 *
 * @param name Which one.
 * @returns The storage.
 * @throws {PlexError} `store_unavailable` when the page may not use it or the runtime has none.
 */
export function webStorage(name: "localStorage" | "sessionStorage"): BrowserStorage {
  let storage: BrowserStorage | undefined;
  try {
    storage = (globalThis as unknown as Record<string, BrowserStorage | undefined>)[name];
  } catch (cause) {
    throw new PlexError("store_unavailable", `${name} is not accessible on this page`, {
      cause,
      hint: "Allow site data for this page, or pass a storage",
    });
  }
  if (!storage) {
    throw new PlexError("store_unavailable", `${name} is not available in this runtime`, {
      hint: "Pass a storage with getItem, setItem and removeItem",
    });
  }
  return storage;
}

/**
 * The storage a helper was given, checked, or the page's own when none was.
 *
 * @param storage The `storage` option as given.
 * @param name The page's storage to use when it is `undefined`.
 * @returns The storage.
 * @throws {PlexError} `invalid_argument` when it lacks `getItem`, `setItem` or `removeItem`;
 *   `store_unavailable` when there is no page storage to default to.
 */
export function storageOption(storage: unknown, name: "localStorage" | "sessionStorage"): BrowserStorage {
  if (storage === undefined) return webStorage(name);
  for (const method of ["getItem", "setItem", "removeItem"]) {
    if (typeof (storage as Record<string, unknown> | null)?.[method] !== "function") {
      throw new PlexError("invalid_argument", "storage must have getItem, setItem and removeItem functions");
    }
  }
  return storage as BrowserStorage;
}

/**
 * The storage key a helper was given, checked, or its default when none was.
 *
 * @param key The `storageKey` as given.
 * @param fallback The key when it is `undefined`.
 * @returns The key.
 * @throws {PlexError} `invalid_argument` for anything but `undefined` or a non-empty string.
 */
export function storageKeyOption(key: unknown, fallback: string): string {
  if (key === undefined) return fallback;
  if (typeof key === "string" && key !== "") return key;
  throw new PlexError("invalid_argument", "storageKey must be a non-empty string");
}

/**
 * Reads `key`.
 *
 * @param storage The storage.
 * @param key The key.
 * @returns The value, or `null`.
 * @throws {PlexError} `store_unavailable` when the storage cannot be read.
 */
export function getItem(storage: BrowserStorage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch (cause) {
    throw new PlexError("store_unavailable", "Browser storage cannot be read", { cause });
  }
}

/**
 * Writes `value` under `key`.
 *
 * @param storage The storage.
 * @param key The key.
 * @param value The value.
 * @throws {PlexError} `store_error` when the storage is full or disabled.
 */
export function setItem(storage: BrowserStorage, key: string, value: string): void {
  try {
    storage.setItem(key, value);
  } catch (cause) {
    throw new PlexError("store_error", "Browser storage cannot be written (full or disabled)", { cause });
  }
}

/**
 * Forgets `key`, quietly: a value that cannot be removed is read and
 * rejected again next time.
 *
 * @param storage The storage.
 * @param key The key.
 */
export function removeItem(storage: BrowserStorage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // A pending sign-in that cannot be removed is checked again, and fails again, next time.
  }
}
