/**
 * The RFC 7638 SHA-256 thumbprint of an Ed25519 public key: a device key's id.
 *
 * Written here rather than taken from jose's `calculateJwkThumbprint`: for
 * an Ed25519 key it is the SHA-256 of one fixed JSON form, and jose hashes
 * with Web Crypto's `digest`, which in Bun starts a pool of worker threads,
 * milliseconds of every `plextv token` that checks a stored key. Bun's own
 * synchronous SHA-256 is used where it exists, Web Crypto's elsewhere; the
 * tests compare the result with jose's on every runtime.
 *
 * @module
 */
import { PlexError } from "./errors.ts";
import { encodeBase64Url } from "./parse/base64url_encode.ts";

/** Bun's synchronous SHA-256, where the runtime is Bun. */
type _BunHash = { SHA256: { hash(data: Uint8Array): Uint8Array } };

/**
 * The RFC 7638 SHA-256 thumbprint of an Ed25519 public JWK, base64url (the
 * library's `jwkThumbprint` loads this module when first called).
 *
 * @param jwk The public key (only `crv`, `kty` and `x` count).
 * @returns The thumbprint.
 * @throws {PlexError} `invalid_argument` when the JWK is not an Ed25519 public key (`x` 32 bytes, base64url).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { thumbprint } from "./key_thumbprint.ts";
 * // RFC 8037, appendix A.3
 * const x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
 * assert.equal(await thumbprint({ kty: "OKP", crv: "Ed25519", x }), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
 * ```
 */
export async function thumbprint(jwk: { crv?: string; kty?: string; x?: string }): Promise<string> {
  if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519" || !/^[A-Za-z0-9_-]{43}$/.test(jwk.x!)) {
    throw new PlexError(
      "invalid_argument",
      "A thumbprint is taken of an Ed25519 public JWK (kty OKP, crv Ed25519, x of 32 bytes in base64url)",
    );
  }
  // RFC 7638 §3.2: the required members in lexicographic order, without whitespace.
  const members = new TextEncoder().encode(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`);
  const bun = (globalThis as { Bun?: _BunHash }).Bun;
  return encodeBase64Url(
    bun ? bun.SHA256.hash(members) : new Uint8Array(await crypto.subtle.digest("SHA-256", members)),
  );
}
