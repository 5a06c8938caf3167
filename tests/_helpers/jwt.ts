/**
 * JWT helpers for tests: decode a compact JWT into its header and claims and
 * verify a signature alone (jose), and sign any header and claims with an
 * Ed25519 key. Signing is done by hand with Web Crypto on purpose: tests need
 * tokens jose refuses to produce (unknown `crit`, `b64: false`, odd `kid`s).
 *
 * @module
 */
import { compactVerify, decodeJwt as decodeClaims, decodeProtectedHeader } from "jose";
import { encodeBase64Url } from "../../lib/parse/base64url_encode.ts";

/** A compact JWT's header and claims, not verified. */
export function decodeJwt(
  compact: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  return { header: decodeProtectedHeader(compact), payload: decodeClaims(compact) };
}

/** Signs `payload` with EdDSA under any `header` (its `alg` is always `EdDSA`). */
export async function signJwt(
  privateKey: CryptoKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const input = `${encodeBase64Url(JSON.stringify({ ...header, alg: "EdDSA" }))}.${
    encodeBase64Url(JSON.stringify(payload))
  }`;
  const signature = await crypto.subtle.sign("Ed25519", privateKey, new TextEncoder().encode(input));
  return `${input}.${encodeBase64Url(new Uint8Array(signature))}`;
}

/** Verifies an EdDSA signature only (no claims) and returns the decoded JWT. */
export async function verifyJwt(
  compact: string,
  publicKey: CryptoKey,
): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }> {
  await compactVerify(compact, publicKey, { algorithms: ["EdDSA"] });
  return decodeJwt(compact);
}
