/**
 * The byte layout of a vault file (format version 1), with parsing that
 * reports every malformed, truncated or foreign file as a problem to show
 * the user. The layout is documented in `vault.ts`. Web standards only.
 *
 * @module
 */

/** The first eight bytes of every vault file. */
export const VAULT_MAGIC: Uint8Array = new TextEncoder().encode("PLXVAULT");
/** The format version this code writes and reads. */
export const VAULT_FORMAT_VERSION = 1;
/** The only key derivation of format version 1. */
export const PBKDF2_SHA256 = "PBKDF2-HMAC-SHA256";
/** The fewest PBKDF2 iterations written or accepted. */
export const MIN_ITERATIONS = 600_000;
/**
 * The most PBKDF2 iterations accepted (written or read from a header), so a crafted file cannot
 * stall a load: about 5 s of stretching on a slow machine.
 */
export const MAX_ITERATIONS = 10_000_000;
/** The length of the AES-GCM tag at the end of the sealed data. */
export const TAG_LENGTH = 16;
/** The length of the AES-GCM nonce. */
export const NONCE_LENGTH = 12;
/** The length of the salt written. */
export const SALT_LENGTH = 16;
/** The length of the key check value. */
export const KEY_CHECK_LENGTH = 16;
/** The largest sealed payload accepted. */
export const MAX_SEALED_LENGTH: number = 16 * 1024 * 1024;

const _CHECKSUM_LENGTH = 8;
const _MIN_SALT = 16;
const _MAX_SALT = 64;

/** The header fields of a version 1 vault. */
export interface VaultHeader {
  /** PBKDF2-HMAC-SHA256 iterations. */
  iterations: number;
  /** The PBKDF2 salt. */
  salt: Uint8Array<ArrayBuffer>;
  /** The AES-GCM nonce of this save. */
  nonce: Uint8Array<ArrayBuffer>;
  /** Proves the passphrase before decryption (derived from the stretched key). */
  keyCheck: Uint8Array;
  /** The length of the ciphertext with its tag. */
  sealedLength: number;
}

/** A parsed vault file: its header, the header bytes (the AES-GCM additional data) and the sealed payload. */
export type ParsedVault =
  | { ok: true; header: VaultHeader; headerBytes: Uint8Array<ArrayBuffer>; sealed: Uint8Array<ArrayBuffer> }
  | { ok: false; problem: string; hint?: string };

/**
 * Encodes a version 1 header, checksum included.
 *
 * @param header The fields.
 * @returns The header bytes, to write before the sealed payload and to bind as additional data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeHeader, parseVault } from "./_vault_format.ts";
 * const header = await encodeHeader({
 *   iterations: 600_000,
 *   salt: new Uint8Array(16),
 *   nonce: new Uint8Array(12),
 *   keyCheck: new Uint8Array(16),
 *   sealedLength: 16,
 * });
 * const file = new Uint8Array(header.length + 16);
 * file.set(header);
 * assert.ok((await parseVault(file)).ok);
 * ```
 */
export async function encodeHeader(header: VaultHeader): Promise<Uint8Array<ArrayBuffer>> {
  const kdf = new TextEncoder().encode(PBKDF2_SHA256);
  const parts: Uint8Array[] = [
    VAULT_MAGIC,
    Uint8Array.of(VAULT_FORMAT_VERSION, kdf.length),
    kdf,
    Uint8Array.of(4),
    _uint32(header.iterations),
    Uint8Array.of(header.salt.length),
    header.salt,
    Uint8Array.of(header.nonce.length),
    header.nonce,
    header.keyCheck,
    _uint32(header.sealedLength),
  ];
  const body = _concat(parts);
  return _concat([body, await _checksum(body)]);
}

/**
 * Whether a file's bytes may be a vault, whole or cut short: empty, or
 * starting with {@linkcode VAULT_MAGIC} (or with the part of it they hold).
 * A vault may be deleted (`clear()`); any other file is left alone.
 *
 * @param bytes The file's bytes.
 * @returns `true` when they start as a vault does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startsAsVault } from "./_vault_format.ts";
 * assert.ok(startsAsVault(new TextEncoder().encode("PLXVAULT\x01")) && startsAsVault(new Uint8Array(0)));
 * assert.ok(!startsAsVault(new TextEncoder().encode("my notes")));
 * ```
 */
export function startsAsVault(bytes: Uint8Array): boolean {
  const magicSeen = bytes.subarray(0, VAULT_MAGIC.length);
  return bytesEqual(magicSeen, VAULT_MAGIC.subarray(0, magicSeen.length));
}

/**
 * Parses a vault file's bytes. Every problem is answered, never thrown.
 *
 * @param bytes The whole file.
 * @returns The parts, or the problem in words ("is truncated", "is not a plextv vault", ...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseVault } from "./_vault_format.ts";
 * const parsed = await parseVault(new TextEncoder().encode("{}"));
 * assert.ok(!parsed.ok && parsed.problem === "is not a plextv vault");
 * ```
 */
export async function parseVault(bytes: Uint8Array<ArrayBuffer>): Promise<ParsedVault> {
  if (bytes.length === 0) return { ok: false, problem: "is empty" };
  if (!startsAsVault(bytes)) {
    return {
      ok: false,
      problem: "is not a plextv vault",
      hint: "Check the path: plextv neither replaces nor deletes a file that is not one of its vaults",
    };
  }
  const truncated: ParsedVault = { ok: false, problem: "is truncated" };
  const damaged: ParsedVault = { ok: false, problem: "has a damaged header" };
  if (bytes.length <= VAULT_MAGIC.length) return truncated;
  const version = bytes[VAULT_MAGIC.length];
  if (version !== VAULT_FORMAT_VERSION) {
    return version > VAULT_FORMAT_VERSION
      ? {
        ok: false,
        problem: `has format version ${version}: it is damaged or was written by a newer plextv`,
        hint: "Upgrade plextv to open it",
      }
      : { ok: false, problem: `has an unknown format version ${version}` };
  }
  let at = VAULT_MAGIC.length + 1;
  const take = (length: number): Uint8Array<ArrayBuffer> | undefined => {
    if (at + length > bytes.length) return undefined;
    const part = bytes.subarray(at, at + length);
    at += length;
    return part;
  };
  const takeSized = (min: number, max: number): Uint8Array<ArrayBuffer> | undefined | null => {
    const size = take(1);
    if (!size) return undefined;
    if (size[0] < min || size[0] > max) return null;
    return take(size[0]);
  };
  const kdf = takeSized(1, 64);
  if (kdf === null) return damaged;
  const params = kdf && takeSized(0, 64);
  if (params === null) return damaged;
  const salt = params && takeSized(_MIN_SALT, _MAX_SALT);
  if (salt === null) return damaged;
  const nonce = salt && takeSized(NONCE_LENGTH, NONCE_LENGTH);
  if (nonce === null) return damaged;
  const keyCheck = nonce && take(KEY_CHECK_LENGTH);
  const sealedLength = keyCheck && take(4);
  const headerEnd = at;
  const checksum = sealedLength && take(_CHECKSUM_LENGTH);
  if (!kdf || !params || !salt || !nonce || !keyCheck || !sealedLength || !checksum) return truncated;
  if (!bytesEqual(checksum, await _checksum(bytes.subarray(0, headerEnd)))) return damaged;

  const kdfName = new TextDecoder().decode(kdf);
  if (kdfName !== PBKDF2_SHA256) {
    const shown = /^[A-Za-z0-9-]{1,64}$/.test(kdfName) ? ` (${kdfName})` : "";
    return {
      ok: false,
      problem: `uses an unsupported key derivation${shown}`,
      hint: "Upgrade plextv to open it",
    };
  }
  const iterations = params.length === 4 ? _readUint32(params) : -1;
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    return { ok: false, problem: "has unsupported key derivation parameters" };
  }
  const length = _readUint32(sealedLength);
  if (length < TAG_LENGTH || length > MAX_SEALED_LENGTH) return damaged;
  const sealed = bytes.subarray(at);
  if (sealed.length < length) return truncated;
  if (sealed.length > length) return { ok: false, problem: "has unexpected bytes after its data" };
  return {
    ok: true,
    header: { iterations, salt, nonce, keyCheck, sealedLength: length },
    headerBytes: bytes.subarray(0, at),
    sealed,
  };
}

/**
 * Compares two byte arrays in time independent of where they differ.
 *
 * @param a Bytes.
 * @param b Bytes.
 * @returns Whether they are equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesEqual } from "./_vault_format.ts";
 * assert.ok(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)));
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function _checksum(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)).subarray(0, _CHECKSUM_LENGTH);
}

function _uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function _readUint32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}

function _concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
