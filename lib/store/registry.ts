/**
 * Store URIs: a {@linkcode StoreRegistry} maps URI schemes (`vault:PATH`,
 * `env:PREFIX`, `keychain:SERVICE`, `redis://…`, `memory:`) to the plugins
 * that open them. A registry is an object its owner holds; nothing is
 * registered globally and importing a plugin registers nothing. The CLI
 * builds one with the built-in plugins; an app builds its own with the
 * schemes it wants. Web standards only.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { memoryStore } from "./memory.ts";
import type { SecureData, SecureStore } from "./store.ts";

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
  /** The passphrase, or a function that asks for it (called when first needed). */
  passphrase?: string | (() => Promise<string>);
  /** The environment the `env:` store reads (default: the process environment). */
  env?: Record<string, string | undefined>;
  /** Where stores report what they do (the `env:` store warns that it persists nothing). */
  logger?: Logger;
  /** Options of other plugins. */
  [option: string]: unknown;
}

/**
 * Opens the store of one scheme: gets the URI text after `scheme:`, the
 * caller's options and the scheme itself, and returns the store (or a promise of it).
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
  scheme: string,
) => SecureStore<SecureData> | Promise<SecureStore<SecureData>>;

/**
 * What a store plugin exports for URIs: its schemes, how to open them, and
 * where its passphrase comes from in the environment.
 *
 * @example
 * ```ts
 * import type { StoreScheme } from "./registry.ts";
 * import { memoryStore } from "./memory.ts";
 * const scratch: StoreScheme = { schemes: ["scratch"], open: () => memoryStore() };
 * ```
 */
export interface StoreScheme {
  /** The URI schemes it opens: lowercase, without the colon (`["redis", "rediss"]`). */
  readonly schemes: readonly string[];
  /** Opens a store. */
  readonly open: StoreFactory;
  /** The environment variable holding the store's passphrase, when it needs one (`PLEXTV_VAULT_PASSPHRASE`). */
  readonly passphraseEnv?: string;
}

/**
 * Options of {@linkcode StoreRegistry.register} and {@linkcode StoreRegistry.use}.
 *
 * @example
 * ```ts
 * import type { RegisterStoreOptions } from "./registry.ts";
 * const options: RegisterStoreOptions = { replace: true };
 * ```
 */
export interface RegisterStoreOptions {
  /** Replace the factory already registered for a scheme (default: refuse). */
  replace?: boolean;
}

const SCHEME = /^[a-z][a-z0-9+.-]*$/;

const PLUGIN_MODULES: Readonly<Record<string, string>> = {
  vault: "@plexkit/plextv/plugins/vault (vaultScheme)",
  env: "@plexkit/plextv/plugins/env (envScheme)",
  keychain: "@plexkit/plextv/plugins/keychain (keychainScheme)",
  redis: "@plexkit/plextv/plugins/redis (redisScheme)",
  rediss: "@plexkit/plextv/plugins/redis (redisScheme)",
};

/**
 * Store schemes and the plugins that open them. `memory:` is built in: a new
 * empty store each time, and `memory:NAME` one store per NAME within this registry.
 *
 * @example A registry with the vault plugin and a scheme of one's own
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "./registry.ts";
 * import type { SecureData, SecureStore } from "./store.ts";
 *
 * const records = new Map<string, SecureData>();
 * const stores = new StoreRegistry().register("mymap", (rest): SecureStore<SecureData> => ({
 *   load: () => Promise.resolve(records.get(rest)),
 *   save: (data) => Promise.resolve(void records.set(rest, data)),
 *   clear: () => Promise.resolve(void records.delete(rest)),
 * }));
 *
 * const store = await stores.open("mymap:device-1");
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * assert.equal(records.get("device-1")?.clientId, "0d6e7f2a");
 * assert.deepEqual(stores.schemes(), ["memory", "mymap"]);
 * ```
 */
export class StoreRegistry {
  readonly #factories = new Map<string, StoreFactory>();
  readonly #plugins = new Map<string, StoreScheme>();
  readonly #named = new Map<string, SecureStore<SecureData>>();

  /**
   * Creates a registry with `memory:` and the given plugins.
   *
   * @param plugins Plugins to register, such as `vaultScheme` from `@plexkit/plextv/plugins/vault`.
   */
  constructor(...plugins: StoreScheme[]) {
    this.#factories.set("memory", (rest) => {
      if (rest === "") return memoryStore<SecureData>();
      let store = this.#named.get(rest);
      if (!store) this.#named.set(rest, store = memoryStore<SecureData>());
      return store;
    });
    for (const plugin of plugins) this.use(plugin);
  }

  /**
   * Registers the factory of one scheme.
   *
   * @param scheme The scheme, without the colon (`"myscheme"`), lowercase.
   * @param factory Opens a store from the text after the colon and the caller's options.
   * @param options `replace: true` to replace an existing registration.
   * @returns This registry.
   * @throws {PlexError} `invalid_argument` when the scheme is malformed, or already registered without `replace`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { memoryStore } from "./memory.ts";
   * import { StoreRegistry } from "./registry.ts";
   * assert.ok(new StoreRegistry().register("scratch", () => memoryStore()).schemes().includes("scratch"));
   * ```
   */
  register(scheme: string, factory: StoreFactory, options: RegisterStoreOptions = {}): this {
    if (typeof scheme !== "string" || !SCHEME.test(scheme)) {
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
    if (this.#factories.has(scheme) && !options.replace) {
      throw new PlexError("invalid_argument", `Store scheme ${scheme} is already registered`, {
        hint: "Pass { replace: true } to replace it",
      });
    }
    this.#factories.set(scheme, factory);
    this.#plugins.delete(scheme);
    return this;
  }

  /**
   * Registers every scheme of a plugin.
   *
   * @param plugin The plugin, such as `vaultScheme`.
   * @param options `replace: true` to replace existing registrations.
   * @returns This registry.
   * @throws {PlexError} `invalid_argument` as {@linkcode StoreRegistry.register} does.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { memoryStore } from "./memory.ts";
   * import { StoreRegistry } from "./registry.ts";
   * const stores = new StoreRegistry().use({ schemes: ["a", "b"], open: () => memoryStore() });
   * assert.deepEqual(stores.schemes(), ["a", "b", "memory"]);
   * ```
   */
  use(plugin: StoreScheme, options: RegisterStoreOptions = {}): this {
    if (!plugin || !Array.isArray(plugin.schemes) || plugin.schemes.length === 0) {
      throw new PlexError("invalid_argument", "A store plugin lists its schemes in schemes: [...]");
    }
    for (const scheme of plugin.schemes) {
      this.register(scheme, plugin.open, options);
      this.#plugins.set(scheme, plugin);
    }
    return this;
  }

  /**
   * The registered schemes, sorted.
   *
   * @returns The schemes, without colons (`["memory", "vault"]`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { StoreRegistry } from "./registry.ts";
   * assert.deepEqual(new StoreRegistry().schemes(), ["memory"]);
   * ```
   */
  schemes(): string[] {
    return [...this.#factories.keys()].sort();
  }

  /**
   * Whether a scheme is registered.
   *
   * @param scheme A scheme, without its colon, in any case (`vault`, `Redis`).
   * @returns `true` when {@linkcode StoreRegistry.open} can open URIs of this scheme.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { StoreRegistry } from "./registry.ts";
   * assert.ok(new StoreRegistry().has("memory") && !new StoreRegistry().has("vault"));
   * ```
   */
  has(scheme: string): boolean {
    return this.#factories.has(String(scheme).toLowerCase());
  }

  /**
   * The plugin registered for a URI's scheme, when it came from {@linkcode StoreRegistry.use}.
   *
   * @param uri A store URI, or a bare scheme.
   * @returns The plugin (with its `passphraseEnv`), or `undefined`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { memoryStore } from "./memory.ts";
   * import { StoreRegistry } from "./registry.ts";
   * const plugin = { schemes: ["x"], open: () => memoryStore(), passphraseEnv: "X_PASSPHRASE" };
   * assert.equal(new StoreRegistry(plugin).pluginFor("x:name")?.passphraseEnv, "X_PASSPHRASE");
   * ```
   */
  pluginFor(uri: string): StoreScheme | undefined {
    const colon = uri.indexOf(":");
    return this.#plugins.get((colon < 0 ? uri : uri.slice(0, colon)).toLowerCase());
  }

  /**
   * Opens the store a URI names. The scheme is case-insensitive.
   *
   * @param uri The store URI, `scheme:rest`.
   * @param options What the scheme's factory needs (passphrase, environment, logger, ...).
   * @returns The store.
   * @throws {PlexError} `unknown_store` when no plugin registered the scheme; `invalid_argument` when the URI has no scheme.
   *
   * @example Opening a memory store
   * ```ts
   * import assert from "node:assert/strict";
   * import { StoreRegistry } from "./registry.ts";
   *
   * const store = await new StoreRegistry().open("memory:");
   * await store.save({ version: 1, clientId: "0d6e7f2a" });
   * assert.equal((await store.load())?.clientId, "0d6e7f2a");
   * ```
   */
  async open(uri: string, options: OpenStoreOptions = {}): Promise<SecureStore<SecureData>> {
    const colon = typeof uri === "string" ? uri.indexOf(":") : -1;
    if (colon < 1) {
      throw new PlexError(
        "invalid_argument",
        "A store URI must start with a scheme, such as vault:PATH or memory:",
        {
          hint: `Registered schemes: ${this.#list()}`,
        },
      );
    }
    const scheme = uri.slice(0, colon).toLowerCase();
    const factory = this.#factories.get(scheme);
    if (!factory) {
      const module = PLUGIN_MODULES[scheme];
      const safeScheme = SCHEME.test(scheme) ? scheme : "in this URI";
      throw new PlexError("unknown_store", `No store is registered for scheme ${safeScheme}`, {
        hint: `Registered schemes: ${this.#list()}. ` +
          (module
            ? `Add the plugin of ${scheme}: with registry.use(), from ${module}`
            : "Add the plugin that opens the scheme with registry.use() or registry.register()"),
      });
    }
    return await factory(uri.slice(colon + 1), options, scheme);
  }

  #list(): string {
    return this.schemes().map((s) => `${s}:`).join(", ");
  }
}
