/**
 * The vault store: secret data in an encrypted file, for desktops, servers
 * and CLIs. {@linkcode Vault} (or {@linkcode vaultStore}) is the store itself;
 * {@linkcode vaultScheme} opens `vault:PATH` URIs (`vault:~/...` starts in the
 * home folder) in a `StoreRegistry`. Importing this module registers nothing.
 *
 * Security properties:
 * - AES-256-GCM (Web Crypto) with a fresh random 96-bit nonce on every save.
 * - The key is stretched from the passphrase (Unicode NFC) with
 *   PBKDF2-HMAC-SHA256, 600,000 iterations by default (never fewer), and a
 *   random 128-bit salt; HKDF-SHA256 then splits it into the AES key and a key
 *   check value. Each `Vault` derives the key once per salt and keeps it, so
 *   repeated loads and saves cost no stretching; a save reuses the salt of
 *   the file it replaces.
 * - The header (format version, KDF name and parameters, salt, nonce) is
 *   bound to the ciphertext as AES-GCM additional data: none of it can be
 *   changed without detection, and future versions can raise the parameters.
 * - The file is written with mode 0600 (folders created 0700), atomically: a
 *   temporary file in the same folder is written, flushed (fsync) and renamed
 *   over the vault, then the folder is flushed. A crash or a concurrent writer
 *   leaves the old file or the new one, never a broken one.
 * - A save refuses to replace a file that the passphrase does not open
 *   (`wrong_passphrase`) or that is not an intact vault (`store_corrupt`), so a
 *   mistyped passphrase or path cannot destroy data. `clear()` deletes the
 *   file without asking for the passphrase, but only a vault (intact,
 *   damaged, cut short or empty): any other file, or one too large to be a
 *   vault, is left in place (`store_corrupt`).
 *
 * Errors ({@linkcode PlexError}, the message names the file, the file is left
 * untouched):
 * - `wrong_passphrase`: the header is intact and its key check value does not
 *   match the passphrase.
 * - `store_corrupt`: anything else that is not an intact vault: empty,
 *   truncated, foreign (not starting with the magic), a newer format version,
 *   a damaged header (checksum), or a payload failing AES-GCM authentication.
 *   A header checksum is verified first, so a damaged byte anywhere is
 *   `store_corrupt`, not `wrong_passphrase`. (The checksum is not a secret
 *   MAC: someone who rewrites the key check value and the checksum gets
 *   `wrong_passphrase`; the data stays protected by AES-GCM either way.)
 * - `store_error` / `access_denied`: the file system failed or refused, or the
 *   path is not a regular file (a device such as `/dev/zero`, a FIFO, a folder):
 *   such a path is refused without being read, so it can neither hang a load
 *   nor feed it endless data. Files are read up to 16 MiB.
 *
 * File format, version 1 (integers big-endian):
 *
 * | bytes | field |
 * |------:|-------|
 * | 8     | magic `PLXVAULT` |
 * | 1     | format version: 1 |
 * | 1 + n | KDF name length n, then the ASCII name `PBKDF2-HMAC-SHA256` |
 * | 1 + p | KDF parameter length p (4), then the PBKDF2 iterations as uint32 (600,000 to 10,000,000 accepted) |
 * | 1 + s | salt length s (16 written, 16 to 64 accepted), then the salt |
 * | 1 + 12 | nonce length (12), then the AES-GCM nonce |
 * | 16    | key check value: HKDF-SHA256(stretched key, info `plextv-vault/1 key check`) |
 * | 4     | sealed length L (uint32) |
 * | 8     | header checksum: the first 8 bytes of SHA-256 over all header bytes before it |
 * | L     | AES-256-GCM ciphertext of the UTF-8 JSON data, then its 16-byte tag; the additional data is every byte before it |
 *
 * The AES key is HKDF-SHA256(stretched key, empty salt, info
 * `plextv-vault/1 aes-256-gcm key`), where the stretched key is the 32-byte
 * PBKDF2-HMAC-SHA256 output.
 *
 * @example Keeping the device data in a vault
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { Vault } from "./vault.ts";
 * import type { SecureData } from "../lib/store/store.ts";
 *
 * const dir = await mkdtemp(join(tmpdir(), "plextv-"));
 * const vault = new Vault<SecureData>(join(dir, "device.vault"), "correct horse battery staple");
 * await vault.save({ version: 1, clientId: "0d6e7f2a", token: "abcdefghij0123456789" });
 * assert.equal((await vault.load())?.token, "abcdefghij0123456789");
 * await rm(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { lstat, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { PlexError } from "../lib/errors.ts";
import { checkOptionsObject } from "../lib/http/options_object.ts";
import type { SecureData, SecureStore } from "../lib/store/store.ts";
import type { OpenStoreOptions, StoreScheme } from "../lib/store/registry.ts";
import { readFileIfExists, writeFileAtomic } from "./_atomic_file.ts";
import { openVault, sealVault, VaultKeyring } from "./_vault_crypto.ts";
import {
  MAX_ITERATIONS,
  MAX_SEALED_LENGTH,
  MIN_ITERATIONS,
  startsAsVault,
  TAG_LENGTH,
  type VaultHeader,
} from "./_vault_format.ts";

/** How many times a save starts over because another process created the vault during its key stretch. */
const MAX_CREATE_RACES = 5;

function _isSymbolicLink(path: string): Promise<boolean> {
  return lstat(path).then((stats) => stats.isSymbolicLink(), () => false);
}

/**
 * A vault passphrase, or a function that asks for it. The function is called
 * once, when the vault first needs the key (a failed call is retried next time).
 *
 * @example
 * ```ts
 * import type { Passphrase } from "./vault.ts";
 * const fixed: Passphrase = "correct horse battery staple";
 * const asked: Passphrase = () => Promise.resolve(prompt("Vault passphrase:") ?? "");
 * ```
 */
export type Passphrase = string | (() => Promise<string>);

/**
 * Options of a {@linkcode Vault}.
 *
 * @example
 * ```ts
 * import type { VaultOptions } from "./vault.ts";
 * const options: VaultOptions = { iterations: 1_000_000 };
 * ```
 */
export interface VaultOptions {
  /**
   * PBKDF2-HMAC-SHA256 iterations for files this vault writes: 600,000
   * (default) to 10,000,000. Files with other counts in that range still
   * open; the next save rewrites them with this count.
   */
  iterations?: number;
}

/**
 * A {@linkcode SecureStore} in an encrypted file (see the module
 * documentation for the format and guarantees). Holds any JSON-serialisable
 * data: what `JSON.stringify` keeps is what `load` returns. `toString()`,
 * `toJSON()` and console output show the path only, never the passphrase.
 *
 * @example Round trip, and a wrong passphrase
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { isPlexError } from "../lib/errors.ts";
 * import { Vault } from "./vault.ts";
 *
 * const dir = await mkdtemp(join(tmpdir(), "plextv-"));
 * const path = join(dir, "settings.vault");
 * await new Vault<{ apiKey: string }>(path, "right passphrase").save({ apiKey: "k-123" });
 * const wrong = new Vault<{ apiKey: string }>(path, () => Promise.resolve("wrong passphrase"));
 * await wrong.load().catch((err) => assert.ok(isPlexError(err, "wrong_passphrase")));
 * assert.ok(!String(wrong).includes("wrong passphrase"));
 * await rm(dir, { recursive: true });
 * ```
 */
export class Vault<T> implements SecureStore<T> {
  /** The vault file. */
  readonly path: string;
  readonly #keyring: VaultKeyring;
  readonly #iterations: number;

  /**
   * Opens (lazily) the vault at `path`; nothing is read or derived until the first call.
   *
   * @param path The vault file; its folder is created (mode 0700) on the first save.
   * @param passphrase The passphrase, or a function that asks for it.
   * @param options KDF iterations for files this vault writes.
   * @throws {PlexError} `invalid_argument` for an empty path or passphrase, iterations out of range, or
   *   options that are not an object or name an option it does not have.
   */
  constructor(path: string, passphrase: Passphrase, options?: VaultOptions) {
    if (typeof path !== "string" || path === "") {
      throw new PlexError("invalid_argument", "A vault needs a file path");
    }
    if (!(typeof passphrase === "function" || (typeof passphrase === "string" && passphrase !== ""))) {
      throw new PlexError("invalid_argument", `The vault ${path} needs a non-empty passphrase`);
    }
    const iterations = checkOptionsObject(options, ["iterations"], "A vault").iterations ?? MIN_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new PlexError(
        "invalid_argument",
        `Vault iterations must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`,
      );
    }
    this.path = path;
    this.#keyring = new VaultKeyring(passphrase, `the vault ${path}`);
    this.#iterations = iterations;
  }

  /**
   * Loads and decrypts the vault.
   *
   * @returns The data, or `undefined` when the file does not exist.
   * @throws {PlexError} `wrong_passphrase`, `store_corrupt`, `store_error` or `access_denied`.
   */
  async load(): Promise<T | undefined> {
    const bytes = await this.#read();
    if (bytes === undefined) return undefined;
    const { plain } = await this.#open(bytes, "load");
    try {
      return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain)) as T;
    } catch {
      throw new PlexError("store_corrupt", `The vault ${this.path} holds data that is not JSON`);
    }
  }

  /**
   * Encrypts `data` and replaces the vault file atomically. An existing file
   * is replaced only when it is an intact vault that this passphrase opens.
   *
   * @param data JSON-serialisable data.
   * @throws {PlexError} `invalid_argument` when `data` is not JSON-serialisable; `wrong_passphrase` or
   * `store_corrupt` when the existing file is not an intact vault this passphrase opens (it is left
   * untouched); `store_error` or `access_denied` when the file system fails.
   */
  async save(data: T): Promise<void> {
    const plain = this.#serialise(data);
    for (let races = 0;; races++) {
      let salt: Uint8Array<ArrayBuffer> | undefined;
      const existing = await this.#read();
      if (existing !== undefined) {
        const { header } = await this.#open(existing, "save");
        if (header.iterations === this.#iterations) salt = header.salt;
      }
      salt ??= this.#keyring.writeSalt();
      const keys = await this.#keyring.keysFor(salt, this.#iterations);
      this.#keyring.useSalt(salt);
      const file = await sealVault(plain, keys, salt, this.#iterations);
      try {
        // A new vault is created only where no file appeared during the key stretch: another process
        // that created it first (perhaps with another passphrase) keeps its file, and this save starts
        // over against it.
        await writeFileAtomic(this.path, file, 0o600, existing === undefined);
        return;
      } catch (err) {
        if (existing === undefined && (err as { code?: unknown })?.code === "EEXIST") {
          // A symbolic link to no file reads as no vault, yet the path exists: it is not followed.
          if (await _isSymbolicLink(this.path)) {
            throw new PlexError(
              "store_error",
              `The vault ${this.path} is a symbolic link to a file that does not exist`,
              { hint: "Point the vault at a regular file, or remove the link" },
            );
          }
          if (races < MAX_CREATE_RACES) continue;
        }
        throw this.#fileError("write", err);
      }
    }
  }

  /**
   * Deletes the vault file (no passphrase needed), intact or damaged. A file
   * that is not a vault (a mistyped path) is left in place. Clearing a
   * missing vault does nothing.
   *
   * @throws {PlexError} `store_corrupt` when the file is not a plextv vault (it is not deleted);
   *   `store_error` or `access_denied` when it cannot be read or deleted, or is not a regular file.
   */
  async clear(): Promise<void> {
    const bytes = await this.#read();
    if (bytes === undefined) return;
    if (!startsAsVault(bytes)) {
      throw new PlexError(
        "store_corrupt",
        `The file ${this.path} is not a plextv vault, so it was not deleted`,
        {
          hint: "Check the path; a file that is no vault is left for you to move or delete",
        },
      );
    }
    try {
      await rm(this.path, { force: true });
    } catch (err) {
      throw this.#fileError("delete", err);
    }
  }

  /**
   * Describes the vault without its passphrase.
   *
   * @returns `Vault(<path>)`.
   */
  toString(): string {
    return `Vault(${this.path})`;
  }

  /**
   * The JSON form: the path only.
   *
   * @returns `{ store: "vault", path }`.
   */
  toJSON(): { store: "vault"; path: string } {
    return { store: "vault", path: this.path };
  }

  /** Checks and decrypts a vault file's bytes; for a save, the errors say the file was not replaced. */
  async #open(
    bytes: Uint8Array<ArrayBuffer>,
    purpose: "load" | "save",
  ): Promise<{ header: VaultHeader; plain: ArrayBuffer }> {
    const corrupt = (problem: string, hint?: string) =>
      purpose === "load"
        ? new PlexError("store_corrupt", `The vault file ${this.path} ${problem}`, {
          hint: hint ?? "Restore it from a backup, or clear the store and sign in again",
        })
        : new PlexError(
          "store_corrupt",
          `Could not save the vault ${this.path}: the existing file ${problem}`,
          {
            hint: hint ?? "The file was left untouched; move it away, clear the store or choose another path",
          },
        );
    const opened = await openVault(bytes, this.#keyring);
    if (!opened.ok && opened.failure === "format") throw corrupt(opened.problem, opened.hint);
    if (!opened.ok && opened.failure === "passphrase") {
      throw new PlexError("wrong_passphrase", `The passphrase does not open the vault ${this.path}`, {
        hint: purpose === "load"
          ? "Check the passphrase; a forgotten passphrase cannot be recovered (clear the store and sign in again)"
          : "The file was left untouched; use its passphrase, or clear the store first",
      });
    }
    if (!opened.ok) {
      throw corrupt(
        "failed its integrity check: it was changed or damaged",
        "Restore it from a backup, or clear the store and sign in again",
      );
    }
    if (opened.header.iterations === this.#iterations) this.#keyring.useSalt(opened.header.salt);
    return { header: opened.header, plain: opened.plain };
  }

  async #read(): Promise<Uint8Array<ArrayBuffer> | undefined> {
    let bytes;
    try {
      bytes = await readFileIfExists(this.path, MAX_SEALED_LENGTH + 1024);
    } catch (err) {
      throw this.#fileError("read", err);
    }
    if (bytes === "too_large") {
      throw new PlexError("store_corrupt", `The file ${this.path} is too large to be a plextv vault`);
    }
    if (bytes === "not_a_file") {
      throw new PlexError(
        "store_error",
        `The vault ${this.path} is not a regular file (a folder, a device, a FIFO or a socket)`,
        { hint: "Point the vault at a regular file, or at a path that does not exist yet" },
      );
    }
    return bytes;
  }

  #serialise(data: T): Uint8Array<ArrayBuffer> {
    let json: string | undefined;
    try {
      json = JSON.stringify(data);
    } catch (cause) {
      throw new PlexError(
        "invalid_argument",
        `The data for the vault ${this.path} is not JSON-serialisable`,
        {
          cause,
        },
      );
    }
    if (json === undefined) {
      throw new PlexError(
        "invalid_argument",
        `The data for the vault ${this.path} is not JSON-serialisable`,
        {
          hint: "Call clear() to remove the stored data",
        },
      );
    }
    const plain = new TextEncoder().encode(json);
    if (plain.length + TAG_LENGTH > MAX_SEALED_LENGTH) {
      throw new PlexError("invalid_argument", `The data for the vault ${this.path} is larger than 16 MiB`);
    }
    return plain;
  }

  #fileError(action: "read" | "write" | "delete", err: unknown): PlexError {
    const code = (err as { code?: unknown })?.code;
    const shown = typeof code === "string" && /^E[A-Z]+$/.test(code) ? ` (${code})` : "";
    if (code === "EACCES" || code === "EPERM") {
      return new PlexError("access_denied", `Could not ${action} the vault ${this.path}${shown}`, {
        cause: err,
        hint: "Check the permissions of the file and its folder",
      });
    }
    if ((err as { name?: unknown })?.name === "NotCapable") {
      return new PlexError(
        "access_denied",
        `Could not ${action} the vault ${this.path}: Deno denied access`,
        {
          cause: err,
          hint: "Run Deno with --allow-read and --allow-write for the vault's folder",
        },
      );
    }
    return new PlexError("store_error", `Could not ${action} the vault ${this.path}${shown}`, { cause: err });
  }
}

for (const symbol of [Symbol.for("nodejs.util.inspect.custom"), Symbol.for("Deno.customInspect")]) {
  Object.defineProperty(Vault.prototype, symbol, {
    value(this: Vault<unknown>): string {
      return this.toString();
    },
  });
}

/**
 * The `vault:PATH` store factory: a {@linkcode Vault} of {@linkcode SecureData}
 * at PATH (a leading `~/` is the home folder), with `options.passphrase` and,
 * if given, `options.iterations`; {@linkcode vaultScheme} opens URIs with it.
 *
 * @param rest The path after `vault:`.
 * @param options Needs `passphrase`.
 * @returns The vault.
 * @throws {PlexError} `invalid_argument` without a path or passphrase, or with an option it does not have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vaultStoreFactory } from "./vault.ts";
 * const store = vaultStoreFactory("/tmp/plextv-example.vault", { passphrase: "correct horse battery staple" });
 * assert.equal(String(store), "Vault(/tmp/plextv-example.vault)");
 * assert.throws(() => vaultStoreFactory("/tmp/x.vault", { passphrse: "typo" }), {
 *   message: "The vault store has no option passphrse",
 * });
 * ```
 */
export function vaultStoreFactory(rest: string, options: OpenStoreOptions): Vault<SecureData> {
  if (rest === "") {
    throw new PlexError(
      "invalid_argument",
      "A vault store URI needs a file path, such as vault:~/.plextv.vault",
    );
  }
  const path = rest === "~" || rest.startsWith("~/") ? join(homedir(), rest.slice(1)) : rest;
  // A misspelt passphrase would otherwise be reported as a missing one.
  checkOptionsObject(options, ["passphrase", "iterations", "env", "logger"], "The vault store");
  const passphrase = options.passphrase;
  if (passphrase === undefined || passphrase === "") {
    throw new PlexError("invalid_argument", `The vault ${path} needs a passphrase`, {
      hint: "Pass { passphrase } when opening the store: a string or a function that asks for it",
    });
  }
  // Checked by the Vault: a value that is not a whole number is refused, not replaced by the default.
  return new Vault<SecureData>(path, passphrase, { iterations: options.iterations as number | undefined });
}

/**
 * A vault in a file: the same as `new Vault(path, passphrase, options)`.
 *
 * @param path The vault file.
 * @param passphrase The passphrase, or a function that asks for it once.
 * @param options Iterations for files this vault writes.
 * @returns The vault.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vaultStore } from "./vault.ts";
 * assert.equal(String(vaultStore("/tmp/plextv-example.vault", "correct horse battery staple")), "Vault(/tmp/plextv-example.vault)");
 * ```
 */
export function vaultStore<T = SecureData>(
  path: string,
  passphrase: Passphrase,
  options: VaultOptions = {},
): Vault<T> {
  return new Vault<T>(path, passphrase, options);
}

/** The environment variable the CLI reads a vault's passphrase from. */
export const VAULT_PASSPHRASE_ENV = "PLEXTV_VAULT_PASSPHRASE";

/**
 * The `vault:PATH` store URI (`vault:~/...` starts in the home folder), for a
 * {@linkcode StoreRegistry}: `new StoreRegistry(vaultScheme)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "../lib/store/registry.ts";
 * import { vaultScheme } from "./vault.ts";
 * const store = await new StoreRegistry(vaultScheme).open("vault:/tmp/plextv-example.vault", { passphrase: "pw" });
 * assert.equal(String(store), "Vault(/tmp/plextv-example.vault)");
 * ```
 */
export const vaultScheme: StoreScheme = Object.freeze({
  schemes: Object.freeze(["vault"]),
  open: vaultStoreFactory,
  passphraseEnv: VAULT_PASSPHRASE_ENV,
});
