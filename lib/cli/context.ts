/**
 * What every command works with: the output, the prompts, the folders, the
 * configuration (client identifier, plex.tv URLs, logger), the store (opened
 * once, with its passphrase asked at most once), the token source and the
 * plex.tv client.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { homedir, hostname, release } from "node:os";
import { join } from "node:path";
import type { Client } from "../client.ts";
import { type Config, defaultConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { SecureData, SecureStore } from "../store/store.ts";
import type { StoreRegistry } from "../store/registry.ts";
import type { Token } from "../token.ts";
import type { TokenSource } from "../token_sources/token_source.ts";
import { withJwt, withLogger, withStore, withToken } from "../token_sources/options.ts";
import type { TokenSourceOption } from "../token_sources/options.ts";
import { VERSION } from "../version.ts";
import { CliError, EXIT } from "./exit.ts";
import { cliFolders, type Folders } from "./folders.ts";
import type { Output } from "./output.ts";
import type { Prompter } from "./prompt.ts";
import { installationClientId, saveClientId } from "./settings_file.ts";
import { checkStoreUri, storePlugin } from "./stores.ts";

/**
 * Where a command's configuration came from, for `status`.
 *
 * @example
 * ```ts
 * import type { ClientIdOrigin } from "./context.ts";
 * const origin: ClientIdOrigin = "config folder";
 * ```
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
 * import { cliDevice } from "./context.ts";
 * assert.equal(cliDevice().product, "plextv");
 * ```
 */
export function cliDevice(): Config["device"] {
  const platform = { linux: "Linux", darwin: "macOS", win32: "Windows" }[process.platform as string] ??
    process.platform;
  return {
    product: "plextv",
    version: VERSION,
    platform,
    platformVersion: release(),
    device: "plextv CLI",
    deviceName: hostname(),
    provides: "controller",
  };
}

/**
 * The error for "nothing is stored": exit 4 with the way to sign in.
 *
 * @returns The error, to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notSignedIn } from "./context.ts";
 * assert.equal(notSignedIn().exitCode, 4);
 * ```
 */
export function notSignedIn(): CliError {
  return new CliError("Not signed in", { exitCode: EXIT.auth, hint: "Run plextv login, or set PLEX_TOKEN" });
}

/**
 * A command's world. Everything is created on first use, so `help` opens no
 * store and `token` with `PLEX_TOKEN` asks for no passphrase.
 *
 * @example
 * ```ts ignore
 * const account = await (await ctx.client()).user({ signal: ctx.signal });
 * ```
 */
export class CliContext {
  /** Where everything is written. */
  readonly out: Output;
  /** Where answers come from. */
  readonly prompter: Prompter;
  /** The environment. */
  readonly env: Record<string, string | undefined>;
  /** The config and data folders. */
  readonly folders: Folders;
  /** The global options. */
  readonly globals: Record<string, string | boolean | string[] | undefined>;
  /** Fires on Ctrl-C. */
  readonly signal: AbortSignal;
  /** The store schemes: the built-in plugins and those loaded with `--plugin`. */
  readonly stores: StoreRegistry;
  #store?: Promise<SecureStore<SecureData>>;
  #stored?: Promise<SecureData | undefined>;
  #clientIdOrigin: ClientIdOrigin = "config folder";
  #passphraseAnswer?: Promise<string>;

  /**
   * Creates the context.
   *
   * @param fields Output, prompter, environment, global options and the Ctrl-C signal.
   */
  constructor(fields: {
    out: Output;
    prompter: Prompter;
    env: Record<string, string | undefined>;
    globals: Record<string, string | boolean | string[] | undefined>;
    signal: AbortSignal;
    stores: StoreRegistry;
  }) {
    this.out = fields.out;
    this.prompter = fields.prompter;
    this.env = fields.env;
    this.globals = fields.globals;
    this.signal = fields.signal;
    this.stores = fields.stores;
    this.folders = cliFolders(this.env);
  }

  /** The default store: a vault in the data folder. */
  get defaultStoreUri(): string {
    return `vault:${join(this.folders.data, "plextv.vault")}`;
  }

  /** The store URI in use: `--store`, `PLEXTV_STORE`, or the default vault. */
  get storeUri(): string {
    const flag = this.globals.store;
    return (typeof flag === "string" && flag) || this.env.PLEXTV_STORE || this.defaultStoreUri;
  }

  /** Where the client identifier came from (after {@linkcode CliContext.config}). */
  get clientIdOrigin(): ClientIdOrigin {
    return this.#clientIdOrigin;
  }

  /** A logger on stderr: debug and info with `--verbose`, warnings always. */
  get logger(): Logger {
    const out = this.out;
    return {
      debug: (message) => out.debug(message),
      info: (message) => out.debug(message),
      warn: (message) => out.warn(message),
      error: (message) => out.warn(message),
    };
  }

  /**
   * Opens the store once. Stored tokens and keys are registered as secrets,
   * so they are never printed by accident.
   *
   * @returns The store.
   */
  store(): Promise<SecureStore<SecureData>> {
    this.#store ??= this.#openStore();
    return this.#store;
  }

  async #openStore(): Promise<SecureStore<SecureData>> {
    const uri = this.storeUri;
    const flag = this.globals.store;
    if (typeof flag === "string" && flag === uri && /^[a-z][\w+.-]*:\/\/[^/@]*:[^/@]*@/i.test(uri)) {
      this.out.warn(
        "The --store URI holds a password, which other processes can see; set PLEXTV_STORE instead",
      );
    }
    checkStoreUri(this.stores, uri);
    if (uri === this.defaultStoreUri) await mkdir(this.folders.data, { recursive: true, mode: 0o700 });
    const inner = await this.stores.open(uri, {
      passphrase: () => this.passphrase(),
      env: this.env,
      logger: this.logger,
    });
    const out = this.out;
    const remember = (data: SecureData | undefined) => {
      out.addSecret(data?.token);
      out.addSecret(typeof data?.privateKey?.d === "string" ? data.privateKey.d : undefined);
      return data;
    };
    const store: SecureStore<SecureData> = {
      load: async () => remember(await inner.load()),
      save: (data) => inner.save(remember(data)!),
      clear: () => inner.clear(),
    };
    if (inner.lock) store.lock = (name, ttl) => inner.lock!(name, ttl);
    Object.defineProperty(store, "toString", { value: () => String(inner) });
    return store;
  }

  /**
   * The vault passphrase, asked once: `PLEXTV_VAULT_PASSPHRASE`, else a hidden
   * prompt (twice for a new vault). `login` asks before signing in, so a
   * mistyped passphrase never wastes a sign-in.
   *
   * @returns The passphrase.
   * @throws {CliError} exit 4 when it is missing and there is no terminal to ask.
   */
  passphrase(): Promise<string> {
    if (!this.#passphraseAnswer) {
      const answer = this.#askPassphrase(this.storeUri);
      answer.catch(() => {
        if (this.#passphraseAnswer === answer) this.#passphraseAnswer = undefined;
      });
      this.#passphraseAnswer = answer;
    }
    return this.#passphraseAnswer;
  }

  /** Whether the store is a vault file that does not exist yet. */
  get isNewVault(): boolean {
    const uri = this.storeUri;
    return uri.startsWith("vault:") && !existsSync(_vaultPath(uri));
  }

  async #askPassphrase(uri: string): Promise<string> {
    const redis = /^rediss?:/i.test(uri);
    const variable = (await storePlugin(this.stores, uri))?.passphraseEnv;
    const fromEnv = variable ? this.env[variable] : undefined;
    if (fromEnv) {
      this.out.addSecret(fromEnv);
      return fromEnv;
    }
    if (!this.prompter.interactive) {
      throw new CliError(`The ${redis ? "Redis store" : "vault"} passphrase is missing`, {
        exitCode: EXIT.auth,
        hint: `${
          variable ? `Set ${variable}${redis ? " (the same in every replica)" : ""}, or run` : "Run"
        } plextv in a terminal to be asked for it`,
      });
    }
    const path = _vaultPath(uri);
    if (uri.startsWith("vault:") && !existsSync(path)) {
      this.out.info(`Creating the vault ${path}: choose a passphrase (it cannot be recovered).`);
      for (;;) {
        const first = await this.prompter.hidden("New vault passphrase: ");
        this.out.addSecret(first);
        if (!first) {
          this.out.warn("The passphrase cannot be empty");
          continue;
        }
        const second = await this.prompter.hidden("Repeat the passphrase: ");
        if (first === second) return first;
        this.out.warn("The passphrases differ; try again");
      }
    }
    const answer = await this.prompter.hidden(redis ? "Redis store passphrase: " : "Vault passphrase: ");
    this.out.addSecret(answer);
    return answer;
  }

  /**
   * Loads what the store holds, once.
   *
   * @returns The stored data, or `undefined`.
   */
  stored(): Promise<SecureData | undefined> {
    this.#stored ??= this.store().then((store) => store.load());
    return this.#stored;
  }

  /**
   * The configuration without a client identifier: the plextv device,
   * `PLEXTV_URL`/`PLEXTV_V2_URL`/`PLEXTV_DISCOVER_URL` (checked here, before any store is opened)
   * and the logger with `--verbose`.
   *
   * @returns The configuration.
   * @throws {PlexError} `insecure_url` (exit 2) for an http URL of a host other than loopback.
   */
  baseConfig(): Config {
    let config = defaultConfig().withDevice(cliDevice());
    const url = this.env.PLEXTV_URL;
    const v2Url = this.env.PLEXTV_V2_URL;
    if (url || v2Url) {
      config = config.withUrls(url || config.url, v2Url || url || config.v2Url);
      if (url) config = config.withAuthAppUrl(`${url.replace(/\/+$/, "")}/auth`);
    }
    const discoverUrl = this.env.PLEXTV_DISCOVER_URL || url;
    if (discoverUrl) config = config.withDiscoverUrl(discoverUrl);
    return this.out.verbose ? config.withLogger(this.logger) : config;
  }

  /**
   * The configuration: the plextv device, `PLEXTV_URL`/`PLEXTV_V2_URL`, the
   * logger with `--verbose`, and the client identifier from `--client-id`,
   * `PLEXTV_CLIENT_ID`, the stored data, or the config folder (created once).
   *
   * @param stored The stored data, when the store was opened.
   * @returns The configuration.
   */
  async config(stored?: SecureData): Promise<Config> {
    const config = this.baseConfig();
    const flag = this.globals["client-id"];
    let clientId: string;
    if (typeof flag === "string" && flag) {
      clientId = flag;
      this.#clientIdOrigin = "--client-id";
    } else if (this.env.PLEXTV_CLIENT_ID) {
      clientId = this.env.PLEXTV_CLIENT_ID;
      this.#clientIdOrigin = "PLEXTV_CLIENT_ID";
    } else if (stored?.clientId) {
      clientId = stored.clientId;
      this.#clientIdOrigin = "store";
    } else {
      clientId = await installationClientId(this.folders.config);
      this.#clientIdOrigin = "config folder";
    }
    return config.withClientId(clientId);
  }

  /**
   * Called when the token source registered again with a new client identifier.
   *
   * @param clientId The new identifier.
   */
  async onReregister(clientId: string): Promise<void> {
    if (this.#clientIdOrigin === "config folder" || this.#clientIdOrigin === "store") {
      await saveClientId(this.folders.config, clientId);
    } else {
      this.out.warn(
        `plex.tv forgot this device; its new client identifier is ${clientId}: use it from now on`,
      );
    }
  }

  /**
   * The token source of the data commands: `PLEX_TOKEN` when set, else the
   * stored token (refreshed when it is a JWT with a stored device key).
   *
   * @param options `envToken: false` ignores `PLEX_TOKEN` (`logout`).
   * @returns The configuration, and the source (every token it hands out is
   *   registered as a secret).
   * @throws {CliError} exit 4 when nothing is stored.
   */
  async signedIn(
    options: { envToken?: boolean } = {},
  ): Promise<{ config: Config; source: TokenSource; fromEnv: boolean; stored?: SecureData }> {
    const envToken = options.envToken === false ? undefined : this.env.PLEX_TOKEN;
    this.baseConfig();
    if (envToken) {
      this.out.addSecret(envToken);
      const config = await this.config();
      return { config, source: this.watch(config.tokenSource(withToken(envToken))), fromEnv: true };
    }
    const stored = await this.stored();
    if (!stored?.token) throw notSignedIn();
    const config = await this.config(stored);
    const store = _primed(await this.store(), stored);
    const sourceOptions: TokenSourceOption[] = [withLogger(this.logger)];
    sourceOptions.push(
      stored.keyId && stored.privateKey
        ? withJwt(store, { onReregister: (id) => this.onReregister(id) })
        : withStore(store),
    );
    return { config, source: this.watch(config.tokenSource(...sourceOptions)), fromEnv: false, stored };
  }

  /**
   * A plex.tv client for the signed-in account.
   *
   * @param options `envToken: false` ignores `PLEX_TOKEN`.
   * @returns The client and its configuration.
   */
  async client(
    options: { envToken?: boolean } = {},
  ): Promise<{ client: Client; config: Config; source: TokenSource }> {
    const { config, source } = await this.signedIn(options);
    return { client: config.client(source), config, source };
  }

  /**
   * Registers every token a source hands out as a secret.
   *
   * @param source The source.
   * @returns The same source, watched.
   */
  watch(source: TokenSource): TokenSource {
    const out = this.out;
    return {
      async token(options) {
        const token: Token = await source.token(options);
        out.addSecret(token.value);
        return token;
      },
    };
  }
}

/** A store whose first load answers what was already loaded (a vault opens once, not twice). */
function _primed(store: SecureStore<SecureData>, data: SecureData): SecureStore<SecureData> {
  let first: SecureData | undefined = structuredClone(data);
  const primed: SecureStore<SecureData> = {
    load: () => {
      if (first === undefined) return store.load();
      const data = first;
      first = undefined;
      return Promise.resolve(data);
    },
    save: (data) => {
      first = undefined;
      return store.save(data);
    },
    clear: () => {
      first = undefined;
      return store.clear();
    },
  };
  if (store.lock) primed.lock = (name, ttl) => store.lock!(name, ttl);
  return primed;
}

function _vaultPath(uri: string): string {
  const rest = uri.slice("vault:".length);
  return rest === "~" || rest.startsWith("~/") ? join(homedir(), rest.slice(1)) : rest;
}
