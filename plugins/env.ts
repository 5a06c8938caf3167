/**
 * The env store: read-only secure data from environment variables, for
 * containers and CI. {@linkcode envScheme} opens `env:` store URIs in a
 * `StoreRegistry` (`env:` reads `PLEXTV_*`, `env:MYAPP_` reads `MYAPP_*`);
 * importing this module registers nothing.
 *
 * Variables (with the default prefix; empty ones count as unset):
 * - `PLEXTV_CLIENT_ID`: the client identifier (required when any other is set)
 * - `PLEXTV_KEY_ID`: the registered device key id (default: the key's RFC 7638 thumbprint)
 * - `PLEXTV_PRIVATE_KEY`: the Ed25519 private JWK (`kty`, `crv`, `x`, `d`) as JSON, or the
 *   standard or URL-safe base64 of that JSON
 * - `PLEXTV_TOKEN`: the current token (legacy or JWT)
 * - `PLEXTV_TOKEN_EXPIRES_AT`: when the token expires, ISO-8601 or unix seconds (optional)
 *
 * The environment cannot be written back: `save()` keeps the data in memory
 * for this process (later loads return it) and warns once through the logger
 * that nothing was persisted; `clear()` forgets it in memory only. Produce the
 * variables with {@linkcode toEnvVariables} (`plextv keys export --format env`).
 *
 * @example A CI job that reads its device from the environment
 * ```ts
 * import assert from "node:assert/strict";
 * import { envStore } from "./env.ts";
 *
 * const store = envStore({
 *   env: { PLEXTV_CLIENT_ID: "0d6e7f2a", PLEXTV_TOKEN: "abcdefghij0123456789" },
 * });
 * assert.equal((await store.load())?.token, "abcdefghij0123456789");
 * ```
 *
 * @module
 */
import process from "node:process";
import { PlexError } from "../lib/errors.ts";
import { checkLogger, type Logger } from "../lib/logger.ts";
import type { SecureData, SecureStore } from "../lib/store/store.ts";
import type { OpenStoreOptions, StoreScheme } from "../lib/store/registry.ts";
import { envPrefix, fromEnvVariables } from "./_env_variables.ts";

export { DEFAULT_ENV_PREFIX, envPrefix, fromEnvVariables, toEnvVariables } from "./_env_variables.ts";

/**
 * Options of {@linkcode envStore}.
 *
 * @example
 * ```ts
 * import type { EnvStoreOptions } from "./env.ts";
 * const options: EnvStoreOptions = { prefix: "MYAPP_", logger: console };
 * ```
 */
export interface EnvStoreOptions {
  /** The variable prefix (default `PLEXTV_`; a missing trailing `_` is added). */
  prefix?: string;
  /** The environment to read (default: the process environment, read at each load). */
  env?: Record<string, string | undefined>;
  /** Receives the one-time warning that saves are kept in memory only. */
  logger?: Logger;
}

/**
 * A read-only {@linkcode SecureStore} over environment variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { envStore, type EnvStore } from "./env.ts";
 * const store: EnvStore = envStore({ env: {} });
 * assert.ok(store.persistent === false && store.prefix === "PLEXTV_");
 * assert.equal(String(store), "EnvStore(PLEXTV_)");
 * ```
 */
export interface EnvStore extends SecureStore<SecureData> {
  /** Always `false`: saves last only as long as the process. */
  readonly persistent: false;
  /** The variable prefix in use. */
  readonly prefix: string;
}

/**
 * Creates a store that loads secure data from environment variables. Until
 * the first `save` or `clear`, each `load` reads the variables; afterwards
 * the store answers from memory (a refreshed token, or nothing after
 * `clear`). The environment itself is never changed.
 *
 * @param options Prefix, environment and logger.
 * @returns The store.
 * @throws {PlexError} `invalid_argument` for options that are not an object (`envStore("MYAPP_")`
 * instead of `envStore({ prefix: "MYAPP_" })`), an unknown option, a malformed prefix, an `env` that
 * is not an object or a `logger` that is not a logger; its `load` throws `store_corrupt`
 * naming the variable whose value is unusable (never showing the value), or `access_denied` when Deno
 * runs without `--allow-env`.
 *
 * @example A refreshed token is kept in memory only
 * ```ts
 * import assert from "node:assert/strict";
 * import { envStore } from "./env.ts";
 *
 * const warnings: string[] = [];
 * const store = envStore({
 *   env: { PLEXTV_CLIENT_ID: "0d6e7f2a", PLEXTV_TOKEN: "abcdefghij0123456789" },
 *   logger: { ...console, warn: (message: string) => void warnings.push(message) },
 * });
 * const data = await store.load();
 * await store.save({ ...data!, token: "klmnopqrst0123456789" });
 * assert.equal((await store.load())?.token, "klmnopqrst0123456789");
 * assert.equal(warnings.length, 1);
 * ```
 */
export function envStore(options: EnvStoreOptions = {}): EnvStore {
  _checkOptions(options);
  const prefix = envPrefix(options.prefix);
  let kept: { data: SecureData | undefined } | undefined;
  const warned = new Set<string>();
  const warnOnce = (kind: string, message: string) => {
    if (warned.has(kind)) return;
    warned.add(kind);
    options.logger?.warn(message);
  };
  const store: EnvStore = {
    persistent: false,
    prefix,
    async load(): Promise<SecureData | undefined> {
      if (kept) return kept.data === undefined ? undefined : structuredClone(kept.data);
      if (options.env) return await fromEnvVariables(options.env, prefix);
      try {
        return await fromEnvVariables(process.env, prefix);
      } catch (err) {
        if ((err as { name?: unknown })?.name !== "NotCapable") throw err;
        throw new PlexError(
          "access_denied",
          `Could not read the ${prefix}* environment variables: Deno denied access`,
          {
            cause: err,
            hint: "Run Deno with --allow-env",
          },
        );
      }
    },
    save(data: SecureData): Promise<void> {
      kept = { data: structuredClone(data) };
      warnOnce(
        "save",
        `The env store kept the device data in memory only: nothing was persisted, and a restarted process ` +
          `reads the ${prefix}* variables again. Update ${prefix}TOKEN and ${prefix}TOKEN_EXPIRES_AT to keep ` +
          `the refreshed token, or use a persistent store such as vault:`,
      );
      return Promise.resolve();
    },
    clear(): Promise<void> {
      kept = { data: undefined };
      warnOnce(
        "clear",
        `The env store forgot the device data in memory only: the ${prefix}* variables are unchanged`,
      );
      return Promise.resolve();
    },
  };
  // The store and its prefix (it holds no secret of its own).
  return Object.defineProperty(store, "toString", { value: () => `EnvStore(${prefix})` });
}

const _OPTION_NAMES = ["prefix", "env", "logger"];

/** Refuses options that are not {@linkcode EnvStoreOptions}, so a mistake never reads `PLEXTV_*` instead. */
function _checkOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new PlexError("invalid_argument", "The env store's options must be an object", {
      hint: 'For another prefix, pass { prefix: "MYAPP_" }',
    });
  }
  const unknown = Object.keys(options).find((name) => !_OPTION_NAMES.includes(name));
  if (unknown !== undefined) {
    throw new PlexError("invalid_argument", `The env store has no option ${unknown}`, {
      hint: "Its options are prefix, env and logger",
    });
  }
  const { env, logger } = options as EnvStoreOptions;
  if (env !== undefined && (typeof env !== "object" || env === null || Array.isArray(env))) {
    throw new PlexError(
      "invalid_argument",
      "The env store's env must be an object of variable names and values",
    );
  }
  if (logger !== undefined) checkLogger(logger);
}

/**
 * The `env:PREFIX` store URI (`env:` for the default `PLEXTV_` prefix), for a
 * {@linkcode StoreRegistry}: `new StoreRegistry(envScheme)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "../lib/store/registry.ts";
 * import { envScheme } from "./env.ts";
 * const store = await new StoreRegistry(envScheme).open("env:", { env: { PLEXTV_CLIENT_ID: "0d6e7f2a", PLEX_TOKEN: "abcdefghij0123456789" } });
 * assert.equal((await store.load())?.clientId, "0d6e7f2a");
 * ```
 */
export const envScheme: StoreScheme = Object.freeze({
  schemes: Object.freeze(["env"]),
  open: (rest: string, options: OpenStoreOptions) =>
    envStore({ prefix: rest, env: options.env, logger: options.logger }),
});
