/**
 * JWT helpers for tests, on jose: decode a compact JWT into its header and
 * claims, sign any header and claims (forged or malformed tokens included)
 * with an Ed25519 key, and verify a signature alone.
 *
 * @module
 */
import { compactVerify, decodeJwt as decodeClaims, decodeProtectedHeader, SignJWT } from "jose";

/** A compact JWT's header and claims, not verified. */
export function decodeJwt(
  compact: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  return { header: decodeProtectedHeader(compact), payload: decodeClaims(compact) };
}

/** Signs `payload` with EdDSA; `header` adds to (or overrides, `alg` excepted) the protected header. */
export function signJwt(
  privateKey: CryptoKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ ...header, alg: "EdDSA" }).sign(privateKey);
}

/** Verifies an EdDSA signature only (no claims) and returns the decoded JWT. */
export async function verifyJwt(
  compact: string,
  publicKey: CryptoKey,
): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }> {
  await compactVerify(compact, publicKey, { algorithms: ["EdDSA"] });
  return decodeJwt(compact);
}
