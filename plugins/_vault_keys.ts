/**
 * Vault key derivation: the passphrase is stretched with PBKDF2-HMAC-SHA256,
 * then HKDF-SHA256 splits the result into the AES-256-GCM key and a key
 * check value that tells a wrong passphrase from a damaged file. Web Crypto only.
 *
 * @module
 */
import type { CryptoKey } from "../lib/keys.ts";
import { KEY_CHECK_LENGTH } from "./_vault_format.ts";

/** The keys derived from a passphrase and salt. */
export interface VaultKeys {
  /** The AES-256-GCM key (not extractable). */
  key: CryptoKey;
  /** The key check value written in the header. */
  keyCheck: Uint8Array;
}

const _INFO_KEY = new TextEncoder().encode("plextv-vault/1 aes-256-gcm key");
const _INFO_CHECK = new TextEncoder().encode("plextv-vault/1 key check");

/**
 * Derives the vault keys. The passphrase is normalised to Unicode NFC first,
 * so the same passphrase typed on any system opens the vault.
 *
 * @param passphrase The passphrase.
 * @param salt The salt from the file header (or a fresh one for a new vault).
 * @param iterations PBKDF2 iterations.
 * @returns The AES key and the key check value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deriveVaultKeys } from "./_vault_keys.ts";
 * const { key, keyCheck } = await deriveVaultKeys("correct horse", new Uint8Array(16), 600_000);
 * assert.ok(key.algorithm.name === "AES-GCM" && keyCheck.length === 16);
 * ```
 */
export async function deriveVaultKeys(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<VaultKeys> {
  const secret = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(passphrase.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const stretched = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    secret,
    256,
  );
  const master = await crypto.subtle.importKey("raw", stretched, "HKDF", false, ["deriveKey", "deriveBits"]);
  const hkdf = (info: Uint8Array<ArrayBuffer>) => ({
    name: "HKDF",
    hash: "SHA-256",
    salt: new Uint8Array(0),
    info,
  });
  const key = await crypto.subtle.deriveKey(
    hkdf(_INFO_KEY),
    master,
    { name: "AES-GCM", length: 256 },
    false,
    [
      "encrypt",
      "decrypt",
    ],
  );
  const keyCheck = new Uint8Array(
    await crypto.subtle.deriveBits(hkdf(_INFO_CHECK), master, KEY_CHECK_LENGTH * 8),
  );
  return { key, keyCheck };
}
