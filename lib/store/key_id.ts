/**
 * The key id of a stored device key, read from its private part: what the
 * env store compares with the key's `x` as it loads, and what `plextv token`
 * compares with the stored key id before it prints a fresh stored token.
 *
 * @module
 */
import { exportPrivateJwk, importPrivateJwk } from "../keys.ts";
import { thumbprint } from "../key_thumbprint.ts";

let _last: { d: string; x: string; derived: string } | undefined;

/**
 * The key id of an Ed25519 private JWK: the thumbprint of the public key its
 * private part (`d`) derives to, and that public key. The last JWK read is
 * remembered, so a key read twice in one process (by the env store, then by
 * `plextv token`) is derived once; what is remembered is that JWK's own
 * fields, which its caller holds anyway.
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
export async function privateKeyId(jwk: JsonWebKey): Promise<{ keyId: string; x: string }> {
  const derived = _last && _last.d === jwk?.d && _last.x === jwk.x
    ? _last.derived
    : (await exportPrivateJwk(await importPrivateJwk(jwk))).x!;
  _last = { d: jwk.d!, x: jwk.x!, derived };
  return { keyId: await thumbprint({ kty: "OKP", crv: "Ed25519", x: derived }), x: derived };
}
