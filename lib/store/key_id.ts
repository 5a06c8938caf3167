/**
 * The key id of a stored device key, read from its private part: what the
 * env store compares with the key's `x` as it loads, and what `plextv token`
 * compares with the stored key id before it prints a fresh stored token.
 *
 * @module
 */
import { deviceKeyFromPrivate, importPrivateJwk, type Jwk } from "../keys.ts";

/** The key id of an Ed25519 private JWK, and the public key its private part derives to. */
export interface PrivateKeyId {
  /** The RFC 7638 thumbprint of the derived public key. */
  keyId: string;
  /** The public key `d` derives to. */
  x: string;
}

let _last: { d: string; x: string; read: PrivateKeyId } | undefined;

/**
 * The key id of an Ed25519 private JWK: the thumbprint of the public key its
 * private part (`d`) derives to, and that public key. The last JWK read is
 * remembered with what it read, so a key read twice in one process (by the
 * env store, then by `plextv token`) is derived once; what is remembered is
 * that JWK's own fields, which its caller holds anyway.
 *
 * @param jwk The private JWK.
 * @returns The key id and the public key `d` derives to (unlike the JWK's `x`, when the two differ).
 * @throws {PlexError} `invalid_argument` when the JWK is not an Ed25519 private key, or (on Node)
 *   when its `x` is not `d`'s public key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { privateKeyId } from "./key_id.ts";
 * import { exportPrivateJwk, generateDeviceKey } from "../keys.ts";
 * const key = await generateDeviceKey();
 * const jwk = await exportPrivateJwk(key.privateKey);
 * assert.deepEqual(await privateKeyId(jwk), { keyId: key.keyId, x: jwk.x });
 * ```
 */
export async function privateKeyId(jwk: Jwk): Promise<PrivateKeyId> {
  if (_last && _last.d === jwk?.d && _last.x === jwk.x) return { ..._last.read };
  // The signed-in path reads a stored key the same way (the JWT mode's readKey).
  const { keyId, publicJwk } = await deviceKeyFromPrivate(await importPrivateJwk(jwk));
  _last = { d: jwk.d!, x: jwk.x!, read: { keyId, x: publicJwk.x } };
  return { keyId, x: publicJwk.x };
}
