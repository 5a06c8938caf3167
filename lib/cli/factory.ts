/**
 * What a command asks for, built on first use (the shape of gh's `Factory`):
 * the output and prompts are there from the start; the folders, the
 * configuration, the store registry with its plugins, the store session and
 * the signed-in wiring are made when a command first asks, so `help` opens
 * no store and `token` with `PLEX_TOKEN` asks for no passphrase. Each piece's
 * module is imported when the piece is first asked for, so a command loads
 * only the pieces it uses.
 *
 * @module
 */
import type { StoreRegistry } from "../store/registry.ts";
import type { CommandInfo } from "./command.ts";
import type { ConfigResolver } from "./config_resolver.ts";
import type { Folders } from "./folders.ts";
import type { Output } from "./output.ts";
import type { Prompter } from "./prompt.ts";
// main builds the prompter it passes in from here: one module loaded for both, not two.
export { Prompter } from "./prompt.ts";
import type { SignedIn, SignedInOptions } from "./signed_in.ts";
import type { StoreSession } from "./store_session.ts";

/**
 * What the factory starts with.
 */
export interface FactoryInit {
  /** Where everything is written. */
  out: Output;
  /** Where answers come from. */
  prompter: Prompter;
  /** The environment. */
  env: Record<string, string | undefined>;
  /** The global options. */
  globals: Record<string, string | boolean | string[] | undefined>;
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** The command table (for `completion`). */
  commands: readonly CommandInfo[];
}

/**
 * A command's world, built lazily.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Factory } from "./factory.ts";
 * import { Output } from "./output.ts";
 * import { Prompter } from "./prompt.ts";
 * const f = new Factory({
 *   out: new Output(), prompter: new Prompter(), env: { XDG_CONFIG_HOME: "/tmp/x" }, globals: {},
 *   signal: new AbortController().signal, commands: [],
 * });
 * assert.equal((await f.folders()).config, "/tmp/x/plextv");
 * ```
 */
export class Factory {
  /** Where everything is written. */
  readonly out: Output;
  /** Where answers come from. */
  readonly prompter: Prompter;
  /** The environment. */
  readonly env: Record<string, string | undefined>;
  /** The global options. */
  readonly globals: Record<string, string | boolean | string[] | undefined>;
  /** Fires on Ctrl-C. */
  readonly signal: AbortSignal;
  /** The command table. */
  readonly commands: readonly CommandInfo[];
  #folders?: Promise<Folders>;
  #configs?: Promise<ConfigResolver>;
  #registry?: Promise<StoreRegistry>;
  #session?: Promise<StoreSession>;
  #envToken = false;

  /**
   * Creates the factory; nothing is built yet.
   *
   * @param init Output, prompter, environment, global options, Ctrl-C signal and command table.
   */
  constructor(init: FactoryInit) {
    this.out = init.out;
    this.prompter = init.prompter;
    this.env = init.env;
    this.globals = init.globals;
    this.signal = init.signal;
    this.commands = init.commands;
  }

  /**
   * The config and data folders.
   *
   * @returns The folders.
   */
  folders(): Promise<Folders> {
    this.#folders ??= import("./folders.ts").then(({ cliFolders }) => cliFolders(this.env));
    return this.#folders;
  }

  /**
   * The configuration: device, URLs, logger and client identifier.
   *
   * @returns The resolver.
   */
  configs(): Promise<ConfigResolver> {
    this.#configs ??= (async () => {
      const { ConfigResolver } = await import("./config_resolver.ts");
      const folders = () => this.folders();
      return new ConfigResolver({ env: this.env, globals: this.globals, folders, out: this.out });
    })();
    return this.#configs;
  }

  /**
   * The store schemes: the built-in plugins (each imported when first used)
   * and the modules named by `--plugin` and `PLEXTV_PLUGINS`, loaded once.
   *
   * @returns The registry.
   */
  stores(): Promise<StoreRegistry> {
    this.#registry ??= (async () => {
      const { cliStores, loadPlugins, pluginModules } = await import("./stores.ts");
      const registry = cliStores();
      await loadPlugins(registry, pluginModules(this.globals.plugin as string[] | undefined, this.env));
      return registry;
    })();
    return this.#registry;
  }

  /**
   * The store session: the store chosen (and why), opened once.
   *
   * @returns The session.
   */
  session(): Promise<StoreSession> {
    this.#session ??= (async () => {
      const [{ StoreSession }, registry] = await Promise.all([import("./store_session.ts"), this.stores()]);
      return await StoreSession.start({
        registry,
        out: this.out,
        prompter: this.prompter,
        env: this.env,
        folders: () => this.folders(),
        flag: typeof this.globals.store === "string" ? this.globals.store : undefined,
      });
    })();
    return this.#session;
  }

  /**
   * Checks the store and the plugins the user named (`--store`, `PLEXTV_STORE`, `--plugin`,
   * `PLEXTV_PLUGINS`), for a command that opens no store (`PLEX_TOKEN` in use): a URI without a
   * known scheme, or a plugin that does not load, is exit 2 as when the store is used.
   *
   * @returns When they are usable, or none is named.
   * @throws {CliError} exit 2 for a bad store URI or plugin.
   */
  async checkNamedStores(): Promise<void> {
    const uri = typeof this.globals.store === "string" ? this.globals.store : this.env.PLEXTV_STORE;
    if (!uri && this.globals.plugin === undefined && !this.env.PLEXTV_PLUGINS) return;
    const registry = await this.stores();
    if (uri) (await import("./stores.ts")).checkStoreUri(registry, uri);
  }

  /**
   * Refuses to report a success after a lost save: when the run's last save did not reach the store
   * (one the token source would make again later, which this run's end would lose), its error is
   * thrown, with what is left in the store.
   *
   * @returns When the last save reached the store, or there was none.
   * @throws {PlexError} the store's error (`store_error` for a save the store declined).
   */
  async throwIfSaveLost(): Promise<void> {
    const lost = this.#session && (await this.#session).lostSave();
    if (lost === undefined) return;
    const { PlexError, isPlexError } = await import("../errors.ts");
    const code = isPlexError(lost) ? lost.code : "store_error";
    const reason = lost instanceof Error ? lost.message : String(lost);
    throw new PlexError(code, `The new token could not be saved: ${reason}`, {
      cause: lost,
      hint: "The store still holds the token before it: run the command again once the store can be written",
    });
  }

  /**
   * Whether the command signed in with `PLEX_TOKEN` (or marked it with {@linkcode Factory.useEnvToken}):
   * a token error is then that variable's.
   */
  get usesEnvToken(): boolean {
    return this.#envToken;
  }

  /**
   * Marks the command as using `PLEX_TOKEN` without {@linkcode Factory.signedIn} (`token` prints it as it is).
   */
  useEnvToken(): void {
    this.#envToken = true;
  }

  /**
   * The signed-in account: `PLEX_TOKEN`, else the stored token.
   *
   * @param options `envToken: false` for the store only; `refresh` to force a JWT refresh.
   * @returns The configuration, token source and client.
   */
  async signedIn(options: SignedInOptions = {}): Promise<SignedIn> {
    if (options.envToken !== false && this.env.PLEX_TOKEN) {
      this.#envToken = true;
      await this.checkNamedStores();
    }
    const [{ signIn }, configs] = await Promise.all([import("./signed_in.ts"), this.configs()]);
    return signIn({ env: this.env, out: this.out, configs, session: () => this.session() }, options);
  }
}
