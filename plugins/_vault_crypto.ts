/**
 * The vault's sealing, on bytes: a passphrase keyring that stretches each
 * salt once, {@linkcode sealVault} (header + AES-256-GCM with the header as
 * additional data) and {@linkcode openVault} (parse, key check, decrypt).
 * Shared by every store that keeps data in the vault format (the vault file,
 * the Redis store). Web standards only.
 *
 * @module
 */
import { PlexError } from "../lib/errors.ts";
import {
  bytesEqual,
  encodeHeader,
  NONCE_LENGTH,
  parseVault,
  SALT_LENGTH,
  TAG_LENGTH,
  type VaultHeader,
} from "./_vault_format.ts";
import { deriveVaultKeys, type VaultKeys } from "./_vault_keys.ts";

const _MAX_CACHED_KEYS = 16;

/**
 * A passphrase and the keys derived from it, one derivation per salt and
 * iteration count (kept for the keyring's life), plus the salt to write with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VaultKeyring } from "./_vault_crypto.ts";
 * const keyring = new VaultKeyring("correct horse battery staple", "the example vault");
 * const keys = await keyring.keysFor(keyring.writeSalt(), 600_000);
 * assert.equal(keys.keyCheck.length, 16);
 * ```
 */
export class VaultKeyring {
  readonly #passphrase: string | (() => Promise<string>);
  readonly #subject: string;
  readonly #keys = new Map<string, Promise<VaultKeys>>();
  #passphraseText?: Promise<string>;
  #writeSalt?: Uint8Array<ArrayBuffer>;

  /**
   * Creates the keyring; nothing is derived (and the passphrase function is not called) until needed.
   *
   * @param passphrase The passphrase, or a function that asks for it (once; retried after a failure).
   * @param subject What the passphrase opens, for messages (`the vault /path`).
   */
  constructor(passphrase: string | (() => Promise<string>), subject: string) {
    this.#passphrase = passphrase;
    this.#subject = subject;
  }

  /**
   * The salt to seal with: the last one opened or used, else a fresh random one.
   *
   * @returns The salt.
   */
  writeSalt(): Uint8Array<ArrayBuffer> {
    this.#writeSalt ??= crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
    return this.#writeSalt;
  }

  /**
   * Makes `salt` the one to seal with (after opening data that uses it).
   *
   * @param salt The salt.
   */
  useSalt(salt: Uint8Array<ArrayBuffer>): void {
    this.#writeSalt = salt;
  }

  /**
   * The keys of a salt and iteration count, derived on first use.
   *
   * @param salt The salt.
   * @param iterations PBKDF2 iterations.
   * @returns The keys.
   * @throws {PlexError} `invalid_argument` for an empty passphrase; `store_error` when asking for it failed.
   */
  keysFor(salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<VaultKeys> {
    const id = `${iterations}:${Array.from(salt, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    let keys = this.#keys.get(id);
    if (!keys) {
      keys = this.#passphraseValue().then((passphrase) => deriveVaultKeys(passphrase, salt, iterations));
      keys.catch(() => this.#keys.delete(id));
      if (this.#keys.size >= _MAX_CACHED_KEYS) this.#keys.delete(this.#keys.keys().next().value!);
      this.#keys.set(id, keys);
    }
    return keys;
  }

  #passphraseValue(): Promise<string> {
    if (!this.#passphraseText) {
      const source = this.#passphrase;
      const text = (async () => {
        let value: unknown;
        try {
          value = typeof source === "string" ? source : await source();
        } catch (cause) {
          if (cause instanceof PlexError) throw cause;
          throw new PlexError("store_error", `Could not get the passphrase of ${this.#subject}`, {
            cause,
          });
        }
        if (typeof value !== "string" || value === "") {
          throw new PlexError("invalid_argument", `The passphrase of ${this.#subject} is empty`);
        }
        return value;
      })();
      text.catch(() => {
        if (this.#passphraseText === text) this.#passphraseText = undefined;
      });
      this.#passphraseText = text;
    }
    return this.#passphraseText;
  }
}

/**
 * Seals `plain` in the vault format: header, then AES-256-GCM ciphertext and
 * tag, with the whole header (then `context`, when given) as additional data
 * and a fresh random nonce.
 *
 * @param plain The bytes to seal.
 * @param keys The keys of `salt` and `iterations`.
 * @param salt The salt written in the header.
 * @param iterations The PBKDF2 iterations written in the header.
 * @param context Bytes bound to the ciphertext but not stored with it (where the data belongs, such
 *   as a Redis key name): opening needs the same bytes.
 * @returns The sealed bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openVault, sealVault, VaultKeyring } from "./_vault_crypto.ts";
 * const keyring = new VaultKeyring("correct horse battery staple", "the example vault");
 * const salt = keyring.writeSalt();
 * const sealed = await sealVault(new TextEncoder().encode("{}"), await keyring.keysFor(salt, 600_000), salt, 600_000);
 * const opened = await openVault(sealed, keyring);
 * assert.ok(opened.ok && new TextDecoder().decode(opened.plain) === "{}");
 * ```
 */
export async function sealVault(
  plain: Uint8Array<ArrayBuffer>,
  keys: VaultKeys,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  context: Uint8Array = new Uint8Array(0),
): Promise<Uint8Array<ArrayBuffer>> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_LENGTH));
  const header = await encodeHeader({
    iterations,
    salt,
    nonce,
    keyCheck: keys.keyCheck,
    sealedLength: plain.length + TAG_LENGTH,
  });
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: _concat(header, context), tagLength: TAG_LENGTH * 8 },
      keys.key,
      plain,
    ),
  );
  return _concat(header, sealed);
}

/**
 * What {@linkcode openVault} found: the header and plaintext, or why not.
 * `format`: not an intact vault (`problem` in words, `hint` maybe);
 * `passphrase`: the key check value does not match; `integrity`: AES-GCM
 * authentication failed (changed or damaged).
 *
 * @example
 * ```ts
 * import type { OpenedVault } from "./_vault_crypto.ts";
 * const failed: OpenedVault = { ok: false, failure: "passphrase" };
 * ```
 */
export type OpenedVault =
  | { ok: true; header: VaultHeader; plain: ArrayBuffer }
  | { ok: false; failure: "format"; problem: string; hint?: string }
  | { ok: false; failure: "passphrase" | "integrity" };

/**
 * Opens sealed bytes: parses the header, checks the passphrase's key check
 * value, then decrypts and authenticates. Every failure is answered, not thrown
 * (only the keyring's own errors are thrown).
 *
 * @param bytes The sealed bytes.
 * @param keyring The passphrase's keyring.
 * @param context The bytes the data was sealed with (see {@linkcode sealVault}); others fail `integrity`.
 * @returns The header and plaintext, or the failure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openVault, VaultKeyring } from "./_vault_crypto.ts";
 * const opened = await openVault(new TextEncoder().encode("{}"), new VaultKeyring("pw", "the example vault"));
 * assert.ok(!opened.ok && opened.failure === "format");
 * ```
 */
export async function openVault(
  bytes: Uint8Array<ArrayBuffer>,
  keyring: VaultKeyring,
  context: Uint8Array = new Uint8Array(0),
): Promise<OpenedVault> {
  const parsed = await parseVault(bytes);
  if (!parsed.ok) return { ok: false, failure: "format", problem: parsed.problem, hint: parsed.hint };
  const { header, headerBytes, sealed } = parsed;
  const keys = await keyring.keysFor(header.salt, header.iterations);
  if (!bytesEqual(keys.keyCheck, header.keyCheck)) return { ok: false, failure: "passphrase" };
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: header.nonce,
        additionalData: _concat(headerBytes, context),
        tagLength: TAG_LENGTH * 8,
      },
      keys.key,
      sealed,
    );
    return { ok: true, header, plain };
  } catch {
    return { ok: false, failure: "integrity" };
  }
}

function _concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
