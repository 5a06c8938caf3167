/**
 * One client identifier per browser, kept in `localStorage`.
 *
 * @module
 */
import { newClientId } from "../client_id.ts";
import { type BrowserStorage, getItem, setItem, storageKeyOption, storageOption } from "./storage.ts";

/** The `localStorage` key of {@linkcode browserClientId}. */
const CLIENT_ID_KEY = "plextv:client-id";

/**
 * The client identifier of this browser: read from `localStorage`, or created
 * once with `newClientId()` and kept there. A stable id keeps plex.tv from
 * listing a new device at every sign-in.
 *
 * @param storageKey The `localStorage` key. Default `plextv:client-id`.
 * @param storage Where to keep it. Default `localStorage`.
 * @returns The client identifier.
 * @throws {PlexError} `invalid_argument` for a storage key that is not a non-empty string or a storage
 *   without `getItem`, `setItem` and `removeItem`; `store_unavailable` when there is no usable storage,
 *   `store_error` when it cannot be written.
 *
 * @example In a page
 * Not run by `deno test --doc`: it needs a page's `localStorage` (the next example runs).
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId } from "@plexkit/plextv/browser";
 * const config = defaultConfig().withClientId(browserClientId());
 * ```
 *
 * @example With another storage
 * ```ts
 * import assert from "node:assert/strict";
 * import { browserClientId } from "./client_id.ts";
 * const items = new Map<string, string>();
 * const storage = {
 *   getItem: (key: string) => items.get(key) ?? null,
 *   setItem: (key: string, value: string) => void items.set(key, value),
 *   removeItem: (key: string) => void items.delete(key),
 * };
 * const id = browserClientId("my-app:client-id", storage);
 * assert.equal(browserClientId("my-app:client-id", storage), id);
 * ```
 */
export function browserClientId(storageKey?: string, storage?: BrowserStorage): string {
  const key = storageKeyOption(storageKey, CLIENT_ID_KEY);
  const store = storageOption(storage, "localStorage");
  const existing = getItem(store, key);
  if (existing !== null && /^[\x21-\x7e]{1,255}$/.test(existing)) return existing;
  const id = newClientId();
  setItem(store, key, id);
  return id;
}
