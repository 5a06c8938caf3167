/**
 * The CLI's configuration, resolved once per run: the plextv device, the
 * plex.tv URLs (`PLEXTV_URL`, `PLEXTV_V2_URL`), the logger under
 * `--verbose`, and the client identifier with where it came from
 * (`--client-id`, `PLEXTV_CLIENT_ID`, the store, or the config folder).
 *
 * @module
 */
import { newClientId } from "../client_id.ts";
import { type Config, defaultConfig } from "../config.ts";
import type { SecureData } from "../store/store.ts";
import { VERSION } from "../version.ts";
import { CliError, EXIT, withOwnHint } from "./exit.ts";
import type { Folders } from "./folders.ts";
import { checkNamedClientId, CLIENT_ID_RULE, namedClientId } from "./globals.ts";
import type { Output } from "./output.ts";
import { checkUrlVariables } from "./url_variables.ts";

/**
 * Where the client identifier came from, for `status`.
 */
export type ClientIdOrigin = "--client-id" | "PLEXTV_CLIENT_ID" | "store" | "config folder";

/**
 * The device plextv shows in the account's Authorized Devices.
 *
 * @returns Product, version, platform and host name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cliDevice } from "./config_resolver.ts";
 * assert.equal(cliDevice().product, "plextv");
 * ```
 */
export function cliDevice(): Config["device"] {
  const platform = { linux: "Linux", darwin: "macOS", win32: "Windows" }[process.platform as string] ??
    process.platform;
  // node:os is loaded when a request first needs the device's headers, not at start-up (it is
  // a noticeable part of Bun's start-up): Config keeps these getters as getters (frozenDevice), and
  // they read the system once. getBuiltinModule is in Node 20.16+, Bun and Deno.
  let system: { release?: string; hostname: string } | undefined;
  const read = () => {
    if (!system) {
      const os = (process as { getBuiltinModule?: (id: string) => typeof import("node:os") | undefined })
        .getBuiltinModule?.("node:os");
      system = { release: os?.release(), hostname: os?.hostname() ?? "plextv" };
    }
    return system;
  };
  return {
    product: "plextv",
    version: VERSION,
    platform,
    get platformVersion() {
      return read().release;
    },
    device: "plextv CLI",
    get deviceName() {
      return read().hostname;
    },
    provides: "controller",
  };
}

/**
 * What the resolver reads: the environment, the global options, the folders and the output.
 */
export interface ConfigResolverInit {
  /** The environment. */
  env: Record<string, string | undefined>;
  /** The global options (`client-id`). */
  globals: Record<string, unknown>;
  /** The CLI's folders (the config folder keeps the client identifier), looked up when needed. */
  folders: () => Promise<Folders>;
  /** The output, for the logger and warnings. */
  out: Output;
}

/**
 * Resolves the configuration. The base (device, URLs, logger) needs no file;
 * the client identifier is read (or created once) on demand.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigResolver } from "./config_resolver.ts";
 * import { Output } from "./output.ts";
 * const resolver = new ConfigResolver({
 *   env: { PLEXTV_URL: "http://127.0.0.1:32400" }, globals: { "client-id": "cli-doc" },
 *   out: new Output(), folders: () => Promise.resolve({ config: "/nonexistent/c", data: "/nonexistent/d" }),
 * });
 * const config = await resolver.config();
 * assert.ok(config.url === "http://127.0.0.1:32400" && config.clientId === "cli-doc");
 * assert.equal(resolver.clientIdOrigin, "--client-id");
 * ```
 */
export class ConfigResolver {
  readonly #init: ConfigResolverInit;
  #base?: Config;
  #origin: ClientIdOrigin = "config folder";
  /** The named store whose own client identifier this resolver uses (a new sign-in into it). */
  #storeUri?: string;

  /**
   * Creates the resolver.
   *
   * @param init Environment, global options, folders and output.
   */
  constructor(init: ConfigResolverInit) {
    this.#init = init;
  }

  /** Where the client identifier came from (after {@linkcode ConfigResolver.config}). */
  get clientIdOrigin(): ClientIdOrigin {
    return this.#origin;
  }

  /** Whether the user named the client identifier (`--client-id` or `PLEXTV_CLIENT_ID`): plextv may not replace it. */
  get clientIdPinned(): boolean {
    return namedClientId(this.#init.globals, this.#init.env) !== undefined;
  }

  /**
   * The configuration without a client identifier: the plextv device,
   * `PLEXTV_URL`/`PLEXTV_V2_URL`/`PLEXTV_DISCOVER_URL` (checked here, before any store is opened)
   * and the logger with `--verbose`.
   *
   * @returns The configuration.
   * @throws {PlexError} `insecure_url` for an http URL of a host other than loopback.
   */
  base(): Config {
    if (this.#base) return this.#base;
    try {
      checkUrlVariables(this.#init.env);
    } catch (err) {
      // The variable's own hint: the command's options are not what is wrong.
      throw withOwnHint(err);
    }
    let config = defaultConfig().withDevice(cliDevice());
    const { PLEXTV_URL: url, PLEXTV_V2_URL: v2Url } = this.#init.env;
    if (url || v2Url) {
      config = config.withUrls(url || config.url, v2Url || url || config.v2Url);
      if (url) config = config.withAuthAppUrl(`${url.replace(/\/+$/, "")}/auth`);
    }
    const discoverUrl = this.#init.env.PLEXTV_DISCOVER_URL || url;
    if (discoverUrl) config = config.withDiscoverUrl(discoverUrl);
    this.#base = this.#init.out.verbose ? config.withLogger(this.#init.out.logger) : config;
    return this.#base;
  }

  /**
   * The configuration with the client identifier from `--client-id`,
   * `PLEXTV_CLIENT_ID`, the stored data, or the config folder (created once):
   * the installation's for the default store, and one of its own for each
   * store named with `--store` or `PLEXTV_STORE` when `store` is given (a new
   * sign-in into it), since plex.tv keeps one token per account and client
   * identifier.
   *
   * @param stored The stored data, when the store was opened.
   * @param store The store a new sign-in goes into: its URI and where it was named.
   * @returns The configuration.
   */
  async config(stored?: SecureData, store?: { uri: string; origin: string }): Promise<Config> {
    const base = this.base();
    // A store named with --store or PLEXTV_STORE keeps its client id apart: a fresh registration or a
    // re-registration of it saves the new id there, never as the installation's.
    if (store) this.#storeUri = store.origin !== "default" ? store.uri : undefined;
    const named = namedClientId(this.#init.globals, this.#init.env);
    if (named) {
      this.#origin = named.origin;
      return base.withClientId(await checkNamedClientId(named));
    }
    if (stored?.clientId) {
      this.#origin = "store";
      const { isClientId } = await import("../client_id.ts");
      if (!isClientId(stored.clientId)) {
        throw new CliError(`The client identifier in the store is not usable: ${CLIENT_ID_RULE}`, {
          exitCode: EXIT.usage,
          hint:
            "Clear the store with plextv logout --force and sign in again, or pass one with --client-id ID",
        });
      }
      return base.withClientId(stored.clientId);
    }
    this.#origin = "config folder";
    const [{ installationClientId, storeClientId }, folders] = await Promise.all([
      import("./settings_file.ts"),
      this.#init.folders(),
    ]);
    if (this.#storeUri) return base.withClientId(await storeClientId(folders.config, this.#storeUri));
    return base.withClientId(await installationClientId(folders.config));
  }

  /**
   * A configuration with a new client identifier, kept in the config folder:
   * a fresh registration, when plex.tv forgot this device's key.
   *
   * @returns The configuration.
   * @throws {CliError} exit 2 when the user named the client identifier (it is theirs to change).
   */
  async freshConfig(): Promise<Config> {
    if (this.clientIdPinned) {
      throw new CliError("A fresh registration needs a new client identifier", {
        exitCode: EXIT.usage,
        hint:
          `Pass another one with --client-id (or PLEXTV_CLIENT_ID), for example --client-id ${newClientId()}`,
      });
    }
    const clientId = newClientId();
    await this.#saveClientId(clientId);
    this.#origin = "config folder";
    return this.base().withClientId(clientId);
  }

  /**
   * Called when the token source registered again with a new client identifier.
   *
   * @param clientId The new identifier.
   * @returns Nothing.
   */
  async onReregister(clientId: string): Promise<void> {
    if (!this.clientIdPinned) {
      await this.#saveClientId(clientId);
    } else {
      this.#init.out.warn(
        `plex.tv forgot this device; its new client identifier is ${clientId}: use it from now on`,
      );
    }
  }

  async #saveClientId(clientId: string): Promise<void> {
    const [{ saveClientId, saveStoreClientId }, folders] = await Promise.all([
      import("./settings_file.ts"),
      this.#init.folders(),
    ]);
    if (this.#storeUri) await saveStoreClientId(folders.config, this.#storeUri, clientId);
    else await saveClientId(folders.config, clientId);
  }
}
