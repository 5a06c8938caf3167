/**
 * How the emulator checks a device JWT (token exchange and PIN + JWK
 * polling), on its own clock, through jose: EdDSA only, the key registered
 * for the client (`kid` as the client chose it), signature, `iss` = client
 * identifier, `aud` has `plex.tv`, `iat` and `exp` present, `exp` after
 * `iat` and at most an hour after it, not expired.
 *
 * The one-hour ceiling is plex.tv's own documentation example (`exp` − `iat`
 * = 3600); python-plexapi and @ctrl/plex sign 5-minute JWTs. plex.tv's real
 * ceiling is not public.
 *
 * @module
 */
import { compactVerify, decodeJwt, decodeProtectedHeader } from "jose";
import type { CryptoKey } from "../keys.ts";
import { HttpFailure } from "./respond.ts";

/** The longest device JWT lifetime the emulator accepts. */
export const MAX_DEVICE_JWT_SECONDS = 3_600;
/** Clock skew allowed for `iat` in the future. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Verifies a device JWT against a known public key and checks its claims.
 *
 * @param compact The device JWT.
 * @param key The key it must be signed with: its `kid` and CryptoKey; `undefined` when the client has none.
 * @param clientId The `X-Plex-Client-Identifier` of the request.
 * @param nowSeconds The emulator's time, unix seconds.
 * @returns The claims.
 * @throws {HttpFailure} 401/1097 for no or another key, 422 for a bad signature or claims, 498 when expired.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { signDeviceJwt } from "../flows/jwt.ts";
 * import { generateDeviceKey, importPublicJwk } from "../keys.ts";
 * import { checkDeviceJwt } from "./device_jwt.ts";
 * const { privateKey, publicJwk, keyId } = await generateDeviceKey();
 * const context = { url: "", v2Url: "", clientId: "client-1", device: {}, http: {}, scopes: ["username"] };
 * const jwt = await signDeviceJwt(context, privateKey, keyId, "n1");
 * const key = { kid: keyId, key: await importPublicJwk(publicJwk) };
 * const now = Math.floor(Date.now() / 1000);
 * assert.equal((await checkDeviceJwt(jwt, key, "client-1", now)).nonce, "n1");
 * await assert.rejects(checkDeviceJwt(jwt, undefined, "client-1", now), { status: 401, plexCode: 1097 });
 * ```
 */
export async function checkDeviceJwt(
  compact: string,
  key: { kid: string; key: CryptoKey } | undefined,
  clientId: string,
  nowSeconds: number,
): Promise<Record<string, unknown>> {
  let header;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(compact);
    claims = decodeJwt(compact);
  } catch {
    throw new HttpFailure(422, undefined, "The JWT is malformed");
  }
  if (header.alg !== "EdDSA") throw new HttpFailure(422, undefined, "The JWT algorithm must be EdDSA");
  if (!key || header.kid !== key.kid) {
    throw new HttpFailure(401, 1097, "No public key is registered for this client with this kid");
  }
  try {
    await compactVerify(compact, key.key, { algorithms: ["EdDSA"] });
  } catch {
    throw new HttpFailure(422, undefined, "JWT signature verification failed");
  }
  if (claims.iss !== clientId) {
    throw new HttpFailure(422, undefined, "The JWT iss must be the client identifier");
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes("plex.tv")) throw new HttpFailure(422, undefined, "The JWT aud must be plex.tv");
  const { iat, exp } = claims;
  if (typeof iat !== "number" || !Number.isInteger(iat)) {
    throw new HttpFailure(422, undefined, "The JWT must have an integer iat claim");
  }
  if (typeof exp !== "number" || !Number.isInteger(exp)) {
    throw new HttpFailure(422, undefined, "The JWT must have an integer exp claim");
  }
  if (exp <= iat || exp - iat > MAX_DEVICE_JWT_SECONDS) {
    throw new HttpFailure(422, undefined, "The JWT exp must be after iat and at most one hour after it");
  }
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new HttpFailure(422, undefined, "The JWT iat is in the future");
  }
  if (exp <= nowSeconds) throw new HttpFailure(498, undefined, "The JWT has expired");
  return claims;
}
