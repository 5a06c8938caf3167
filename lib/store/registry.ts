/**
 * Store URIs and the store plugin hook. A store URI is `scheme:rest`:
 * `memory:` is built in; `vault:PATH` and `env:PREFIX` exist once their
 * plugin modules are imported (`@plexkit/plextv/plugins/vault`,
 * `@plexkit/plextv/plugins/env`), and so do `keychain:SERVICE` and
 * `redis://[user:pass@]host:port/db?key=NAME` (and `rediss://`) with theirs.
 * Anyone can add a scheme with
 * {@linkcode registerStore}. Web standards only.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { SecureData, SecureStore } from "./store.ts";
import { memoryStore } from "./memory.ts";

/**
 * What store factories may need to open a store. Each plugin reads the
 * fields it knows and ignores the rest; plugins may define fields of their own.
 *
 * @example
 * ```ts
 * import type { OpenStoreOptions } from "./registry.ts";
 * const options: OpenStoreOptions = {
 *   passphrase: () => Promise.resolve("correct horse battery staple"),
 *   env: { PLEXTV_CLIENT_ID: "0d6e7f2a" },
 * };
 * ```
 */
export interface OpenStoreOptions {
  /** The vault passphrase, or a function that asks for it (called when first needed). */
  passphrase?: string | (() => Promise<string>);
  /** The environment the `env:` store reads (default: the process environment). */
  env?: Record<string, string | undefined>;
  /** Where stores report what they do (the `env:` store warns that it persists nothing). */
  logger?: Logger;
  /** Options of other plugins. */
  [option: string]: unknown;
}

/**
 * Opens the store of one scheme: gets the URI text after `scheme:` and the
 * caller's options, and returns the store (or a promise of it).
 *
 * @example
 * ```ts
 * import type { StoreFactory } from "./registry.ts";
 * import { memoryStore } from "./memory.ts";
 * const factory: StoreFactory = (_rest, _options) => memoryStore();
 * ```
 */
export type StoreFactory = (
  rest: string,
  options: OpenStoreOptions,
) => SecureStore<SecureData> | Promise<SecureStore<SecureData>>;

/**
 * Options of {@linkcode registerStore}.
 *
 * @example
 * ```ts
 * import type { RegisterStoreOptions } from "./registry.ts";
 * const options: RegisterStoreOptions = { replace: true };
 * ```
 */
export interface RegisterStoreOptions {
  /** Replace the factory already registered for the scheme (default: refuse). */
  replace?: boolean;
}

const _PLUGIN_MODULES: Readonly<Record<string, string>> = {
  vault: "@plexkit/plextv/plugins/vault",
  env: "@plexkit/plextv/plugins/env",
  keychain: "@plexkit/plextv/plugins/keychain",
  redis: "@plexkit/plextv/plugins/redis",
  rediss: "@plexkit/plextv/plugins/redis",
};

const _SCHEME = /^[a-z][a-z0-9+.-]*$/;

const _namedMemoryStores = new Map<string, SecureStore<SecureData>>();

const _factories = new Map<string, StoreFactory>([
  ["memory", (rest) => {
    if (rest === "") return memoryStore<SecureData>();
    let store = _namedMemoryStores.get(rest);
    if (!store) {
      store = memoryStore<SecureData>();
      _namedMemoryStores.set(rest, store);
    }
    return store;
  }],
]);

/**
 * Registers the factory of a store scheme: the plugin hook. A plugin module
 * calls it once when imported; {@linkcode openStore} then resolves
 * `scheme:rest` URIs through it. Schemes are lowercase URI schemes.
 *
 * @param scheme The scheme, without the colon (`"myscheme"`).
 * @param factory Opens a store from the text after the colon and the caller's options.
 * @param options `replace: true` to replace an existing registration.
 * @throws {PlexError} `invalid_argument` when the scheme is malformed, or already registered without `replace`.
 *
 * @example A third-party scheme
 * ```ts
 * import { openStore, registerStore } from "./registry.ts";
 * import type { SecureData, SecureStore } from "./store.ts";
 *
 * // A store that keeps each record in a Map under the name after "mymap:".
 * const records = new Map<string, SecureData>();
 * registerStore("mymap", (rest): SecureStore<SecureData> => ({
 *   load: () => Promise.resolve(records.get(rest)),
 *   save: (data) => Promise.resolve(void records.set(rest, data)),
 *   clear: () => Promise.resolve(void records.delete(rest)),
 * }));
 *
 * const store = await openStore("mymap:device-1");
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * console.assert(records.get("device-1")?.clientId === "0d6e7f2a");
 * ```
 */
export function registerStore(
  scheme: string,
  factory: StoreFactory,
  options: RegisterStoreOptions = {},
): void {
  if (typeof scheme !== "string" || !_SCHEME.test(scheme)) {
    throw new PlexError(
      "invalid_argument",
      "A store scheme must be a lowercase URI scheme such as myscheme",
      {
        hint: "Pass the scheme without the colon: letters, digits, +, - and . after a first letter",
      },
    );
  }
  if (typeof factory !== "function") {
    throw new PlexError("invalid_argument", `The factory of store scheme ${scheme} is not a function`);
  }
  if (_factories.has(scheme) && !options.replace) {
    throw new PlexError("invalid_argument", `Store scheme ${scheme} is already registered`, {
      hint: "Pass { replace: true } to replace it",
    });
  }
  _factories.set(scheme, factory);
}

/**
 * Lists the registered store schemes, sorted.
 *
 * @returns The schemes, without colons (`["memory", "vault"]`).
 *
 * @example
 * ```ts
 * import { storeSchemes } from "./registry.ts";
 * console.assert(storeSchemes().includes("memory"));
 * ```
 */
export function storeSchemes(): string[] {
  return [..._factories.keys()].sort();
}

/**
 * Opens the store a URI names. Built in: `memory:` (a new empty store each
 * time) and `memory:NAME` (one store per NAME, shared within the process).
 * Import a plugin module to add its scheme: `vault:PATH`
 * (`@plexkit/plextv/plugins/vault`, needs `passphrase`), `env:` or
 * `env:PREFIX_` (`@plexkit/plextv/plugins/env`), `keychain:SERVICE`,
 * `redis://host:port/db?key=NAME` (`@plexkit/plextv/plugins/redis`, `rediss://` for
 * TLS). The scheme is case-insensitive.
 *
 * @param uri The store URI, `scheme:rest`.
 * @param options What the scheme's factory needs (passphrase, environment, logger, ...).
 * @returns The store.
 * @throws {PlexError} `unknown_store` when no plugin registered the scheme; `invalid_argument` when the URI has no scheme.
 *
 * @example Opening a memory store
 * ```ts
 * import { openStore } from "./registry.ts";
 *
 * const store = await openStore("memory:");
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * console.assert((await store.load())?.clientId === "0d6e7f2a");
 * ```
 *
 * @example Opening a vault (after importing its plugin)
 * ```ts ignore
 * import "@plexkit/plextv/plugins/vault";
 * import { openStore } from "@plexkit/plextv";
 *
 * const store = await openStore("vault:~/.config/my-app/plextv.vault", {
 *   passphrase: () => Promise.resolve(prompt("Vault passphrase:") ?? ""),
 * });
 * ```
 */
export async function openStore(
  uri: string,
  options: OpenStoreOptions = {},
): Promise<SecureStore<SecureData>> {
  const colon = typeof uri === "string" ? uri.indexOf(":") : -1;
  if (colon < 1) {
    throw new PlexError(
      "invalid_argument",
      "A store URI must start with a scheme, such as vault:PATH or memory:",
      {
        hint: `Registered schemes: ${_schemeList()}`,
      },
    );
  }
  const scheme = uri.slice(0, colon).toLowerCase();
  const factory = _factories.get(scheme);
  if (!factory) {
    const module = _PLUGIN_MODULES[scheme];
    const safeScheme = _SCHEME.test(scheme) ? scheme : "in this URI";
    throw new PlexError("unknown_store", `No store is registered for scheme ${safeScheme}`, {
      hint: `Registered schemes: ${_schemeList()}. ` +
        (module
          ? `Import "${module}" to register ${scheme}:`
          : `Import the plugin module that registers the scheme (for example "${_PLUGIN_MODULES.vault}" for vault:) before opening it`),
    });
  }
  return await factory(uri.slice(colon + 1), options);
}

function _schemeList(): string {
  return storeSchemes().map((s) => `${s}:`).join(", ");
}
