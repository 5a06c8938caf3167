/**
 * The CLI's store session: which store is in use and why, opened once, its
 * passphrase asked at most once, and every token and key it holds registered
 * as a secret so the output masks it.
 *
 * The store is `--store`, else `PLEXTV_STORE`, else the default: the vault in
 * the data folder when that file exists, else the OS keychain
 * (`keychain:plextv`) when one is usable, else a new vault. Never plaintext.
 *
 * @module
 */
import { isPlexError, PlexError } from "../errors.ts";
import type { StoreRegistry } from "../store/registry.ts";
import { declinedSave, type SecureData, type SecureStore } from "../store/store.ts";
import { CliError, EXIT } from "./exit.ts";
import type { Folders } from "./folders.ts";
import type { Output } from "./output.ts";
import type { Prompter } from "./prompt.ts";
import { checkStoreUri, storePlugin } from "./stores.ts";

/** The keychain item the CLI uses by default. */
export const DEFAULT_KEYCHAIN_URI = "keychain:plextv";

/**
 * Where the store URI came from.
 */
export type StoreOrigin = "--store" | "PLEXTV_STORE" | "default";

/**
 * What a session needs.
 */
export interface StoreSessionInit {
  /** The store schemes (built-in and plugins). */
  registry: StoreRegistry;
  /** The output: secrets are registered with it. */
  out: Output;
  /** Asks for passphrases. */
  prompter: Prompter;
  /** The environment (`PLEXTV_STORE`, the passphrase variables). */
  env: Record<string, string | undefined>;
  /** The CLI's folders (the data folder holds the default vault), looked up when needed. */
  folders: () => Promise<Folders>;
  /** The `--store` value. */
  flag?: string;
}

interface _Choice {
  uri: string;
  origin: StoreOrigin;
  reason: string;
  /** The keychain probed for the default, with what it held. */
  probed?: { store: SecureStore<SecureData>; data: SecureData | undefined };
}

/** Whether a store URI names a vault file: schemes are case-insensitive, so `VAULT:PATH` is one too. */
function isVaultUri(uri: string): boolean {
  return /^vault:/i.test(uri);
}

/**
 * The store of one run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * import { Prompter } from "./prompt.ts";
 * import { StoreSession } from "./store_session.ts";
 * import { cliStores } from "./stores.ts";
 * const session = await StoreSession.start({
 *   registry: cliStores(), out: new Output(), prompter: new Prompter(),
 *   env: {}, folders: () => Promise.resolve({ config: "/tmp/c", data: "/tmp/d" }), flag: "memory:",
 * });
 * assert.ok(session.uri === "memory:" && session.origin === "--store");
 * assert.equal(await session.stored(), undefined);
 * ```
 */
export class StoreSession {
  readonly #init: StoreSessionInit;
  readonly #choice: _Choice;
  #store?: Promise<SecureStore<SecureData>>;
  #stored?: Promise<SecureData | undefined>;
  #passphrase?: Promise<string>;
  /** Whether the passphrase was typed at the prompt (and may be asked again). */
  #typed = false;
  /** Why the last save did not reach the store, while it did not. */
  #lostSave?: unknown;

  private constructor(init: StoreSessionInit, choice: _Choice) {
    this.#init = init;
    this.#choice = choice;
  }

  /**
   * Chooses the store (probing the OS keychain for the default) and checks its URI.
   *
   * @param init Registry, output, prompter, environment, folders and `--store`.
   * @returns The session; nothing is opened yet unless the keychain was probed.
   * @throws {CliError} exit 2 for a URI without a known scheme.
   */
  static async start(init: StoreSessionInit): Promise<StoreSession> {
    const flag = init.flag || undefined;
    if (flag !== undefined && /^[a-z][\w+.-]*:\/\/[^/@]*:[^/@]*@/i.test(flag)) {
      init.out.warn(
        "The --store URI holds a password, which other processes can see; set PLEXTV_STORE instead",
      );
    }
    const choice: _Choice = flag !== undefined
      ? { uri: flag, origin: "--store", reason: "named with --store" }
      : init.env.PLEXTV_STORE
      ? { uri: init.env.PLEXTV_STORE, origin: "PLEXTV_STORE", reason: "named by PLEXTV_STORE" }
      : await StoreSession.#defaultChoice(init);
    checkStoreUri(init.registry, choice.uri);
    const variable = (await storePlugin(init.registry, choice.uri))?.passphraseEnv;
    if (variable) init.out.addSecret(init.env[variable]);
    return new StoreSession(init, choice);
  }

  static async #defaultChoice(init: StoreSessionInit): Promise<_Choice> {
    const [{ defaultVaultUri, vaultExists }, folders] = await Promise.all([
      import("./vault_file.ts"),
      init.folders(),
    ]);
    const vault = defaultVaultUri(folders);
    if (vaultExists(vault)) {
      return {
        uri: vault,
        origin: "default",
        reason: "the vault in the data folder already exists",
      };
    }
    let store: SecureStore<SecureData>;
    let data: SecureData | undefined;
    try {
      store = await init.registry.open(DEFAULT_KEYCHAIN_URI, { env: init.env, logger: init.out.logger });
      data = await store.load();
    } catch (err) {
      if (!isPlexError(err, "store_unavailable")) throw err;
      return {
        uri: vault,
        origin: "default",
        reason: `no OS keychain is usable (${err.message.replace(/[.\s]+$/, "")}), so a vault`,
      };
    }
    return {
      uri: DEFAULT_KEYCHAIN_URI,
      origin: "default",
      reason: "the OS keychain is usable",
      probed: { store, data },
    };
  }

  /** The store URI in use. */
  get uri(): string {
    return this.#choice.uri;
  }

  /** Where the URI came from. */
  get origin(): StoreOrigin {
    return this.#choice.origin;
  }

  /** Why this store, in a few words (`the OS keychain is usable`). */
  get reason(): string {
    return this.#choice.reason;
  }

  /** The URI, safe to print: a URL's password hidden. */
  get described(): string {
    return describeStore(this.uri);
  }

  /**
   * Whether the store is a vault file that does not exist yet (its passphrase is chosen, and asked twice).
   *
   * @returns `true` for a vault to be created.
   */
  async isNewVault(): Promise<boolean> {
    return isVaultUri(this.uri) && !(await import("./vault_file.ts")).vaultExists(this.uri);
  }

  /**
   * Opens the store once. Stored tokens and keys are registered as secrets,
   * so they are never printed by accident.
   *
   * @returns The store.
   */
  store(): Promise<SecureStore<SecureData>> {
    this.#store ??= this.#open();
    return this.#store;
  }

  /**
   * Loads what the store holds, once.
   *
   * @returns The stored data, or `undefined`.
   */
  stored(): Promise<SecureData | undefined> {
    this.#stored ??= this.#choice.probed
      ? this.store().then(() => this.#remember(this.#choice.probed!.data))
      : this.store().then((store) => store.load());
    return this.#stored;
  }

  /**
   * Forgets what was loaded (after a clear, or when the store changed).
   */
  forget(): void {
    this.#stored = undefined;
  }

  /**
   * The store's passphrase, asked once: its plugin's variable (such as
   * `PLEXTV_VAULT_PASSPHRASE`), else a hidden prompt (twice for a new vault).
   *
   * @returns The passphrase.
   * @throws {CliError} exit 4 when it is missing and there is no terminal to ask.
   */
  passphrase(): Promise<string> {
    if (!this.#passphrase) {
      const answer = this.#askPassphrase();
      answer.catch(() => {
        if (this.#passphrase === answer) this.#passphrase = undefined;
      });
      this.#passphrase = answer;
    }
    return this.#passphrase;
  }

  /**
   * Fails early when the store will need a passphrase that cannot be had
   * (not in the environment, no terminal): before a sign-in, not after it.
   *
   * @returns Nothing.
   * @throws {CliError} exit 4, as {@linkcode StoreSession.passphrase} would later.
   */
  async checkPassphrase(): Promise<void> {
    const variable = (await storePlugin(this.#init.registry, this.uri))?.passphraseEnv;
    if (variable && !this.#init.env[variable] && !this.#init.prompter.interactive) {
      throw this.#missingPassphrase(variable);
    }
  }

  /**
   * Why the last save of this run did not reach the store (an error, or a save the store declined),
   * or `undefined` when it did, or when there was none.
   *
   * @returns The store's error, or `undefined`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Output } from "./output.ts";
   * import { Prompter } from "./prompt.ts";
   * import { StoreSession } from "./store_session.ts";
   * import { cliStores } from "./stores.ts";
   * const session = await StoreSession.start({
   *   registry: cliStores(), out: new Output(), prompter: new Prompter(),
   *   env: {}, folders: () => Promise.resolve({ config: "/tmp/c", data: "/tmp/d" }), flag: "memory:",
   * });
   * await (await session.store()).save({ version: 1, clientId: "c" });
   * assert.equal(session.lostSave(), undefined);
   * ```
   */
  lostSave(): unknown {
    return this.#lostSave;
  }

  async #open(): Promise<SecureStore<SecureData>> {
    const probed = this.#choice.probed;
    let inner = probed?.store ?? await this.#openUri();
    const remember = (data: SecureData | undefined) => this.#remember(data);
    const store: SecureStore<SecureData> = {
      load: async () => {
        for (let attempt = 1;; attempt++) {
          try {
            return remember(await inner.load());
          } catch (err) {
            // A passphrase typed at the prompt that does not open the vault is asked again, three tries in
            // all, as a password is (one from a variable is not: asking again would not change it). A vault
            // is opened again for it; a Redis store, which holds a connection, is not.
            if (
              !isPlexError(err, "wrong_passphrase") || !this.#typed || !isVaultUri(this.uri) || attempt === 3
            ) {
              throw err;
            }
            this.#init.out.warn("The passphrase does not open the vault; try again");
            this.#passphrase = undefined;
            inner = await this.#openUri();
          }
        }
      },
      save: async (data) => {
        // A save the token source takes as passing (it would save again later) is lost all the same
        // when this run ends: the command reads it (lostSave) before it reports a success.
        try {
          const outcome = await inner.save(remember(data)!);
          const declined = declinedSave(outcome);
          this.#lostSave = declined ? new PlexError("store_error", declined) : undefined;
          return outcome;
        } catch (err) {
          this.#lostSave = err;
          throw err;
        }
      },
      clear: () => inner.clear(),
    };
    if (inner.lock) store.lock = (name, ttl) => inner.lock!(name, ttl);
    Object.defineProperty(store, "toString", { value: () => String(inner) });
    // A store that keeps nothing (env:) says so, and login refuses it.
    const { persistent } = inner as { persistent?: unknown };
    if (persistent === false) Object.defineProperty(store, "persistent", { value: false });
    return store;
  }

  async #openUri(): Promise<SecureStore<SecureData>> {
    const { registry, env, out } = this.#init;
    // A vault's folder is made by its first save (mode 0700): a command that only reads makes none.
    return await registry.open(this.uri, {
      passphrase: () => this.passphrase(),
      env,
      logger: out.logger,
    });
  }

  #remember(data: SecureData | undefined): SecureData | undefined {
    const out = this.#init.out;
    out.addSecret(data?.token);
    out.addSecret(typeof data?.privateKey?.d === "string" ? data.privateKey.d : undefined);
    return data;
  }

  #missingPassphrase(variable: string | undefined): CliError {
    const redis = /^rediss?:/i.test(this.uri);
    return new CliError(`The ${redis ? "Redis store" : "vault"} passphrase is missing`, {
      exitCode: EXIT.auth,
      hint: `${
        variable ? `Set ${variable}${redis ? " (the same in every replica)" : ""}, or run` : "Run"
      } plextv with its input (stdin) on a terminal to be asked for it`,
    });
  }

  async #askPassphrase(): Promise<string> {
    const { env, out, prompter, registry } = this.#init;
    const variable = (await storePlugin(registry, this.uri))?.passphraseEnv;
    const fromEnv = variable ? env[variable] : undefined;
    if (fromEnv) {
      out.addSecret(fromEnv);
      return fromEnv;
    }
    if (!prompter.interactive) throw this.#missingPassphrase(variable);
    if (await this.isNewVault()) {
      const { vaultPath } = await import("./vault_file.ts");
      out.info(`Creating the vault ${vaultPath(this.uri)}: choose a passphrase (it cannot be recovered).`);
      for (;;) {
        const first = await prompter.hidden("New vault passphrase: ");
        out.addSecret(first);
        if (!first) {
          out.warn("The passphrase cannot be empty");
          continue;
        }
        const second = await prompter.hidden("Repeat the passphrase: ");
        if (first === second) return first;
        out.warn("The passphrases differ; try again");
      }
    }
    const redis = /^rediss?:/i.test(this.uri);
    const answer = await prompter.hidden(redis ? "Redis store passphrase: " : "Vault passphrase: ");
    out.addSecret(answer);
    this.#typed = true;
    return answer;
  }
}

/**
 * The store URI without the credentials of a URL-style URI: everything up to the last `@` before the
 * host, where a URL parser ends them (a password may hold an `@`).
 *
 * @param uri The store URI.
 * @returns The URI, safe to print.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeStore } from "./store_session.ts";
 * assert.equal(describeStore("redis://:secret@127.0.0.1:6379/0"), "redis://***@127.0.0.1:6379/0");
 * assert.equal(describeStore("redis://:p@ss@127.0.0.1:6379/0"), "redis://***@127.0.0.1:6379/0");
 * ```
 */
export function describeStore(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@");
}
