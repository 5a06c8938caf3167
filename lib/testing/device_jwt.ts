/**
 * How the emulator checks a device JWT (token exchange and PIN + JWK polling),
 * as strictly as plex.tv: EdDSA only, the key registered for the client,
 * signature, `iss` = client identifier, `aud` has `plex.tv`, `iat` and `exp`
 * present with `exp` at most 5 minutes after `iat`, not expired.
 *
 * @module
 */
import { decodeProtectedHeader } from "jose/decode/protected_header";
import { compactVerify } from "jose/jws/compact/verify";
import { decodeJwt } from "jose/jwt/decode";
import { HttpFailure } from "./respond.ts";

/** The longest device JWT lifetime plex.tv accepts. */
const MAX_DEVICE_JWT_SECONDS = 300;
/** Clock skew allowed for `iat` in the future. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Verifies a device JWT against a known public key and checks its claims.
 *
 * @param compact The device JWT.
 * @param key The key it must be signed with: its `kid` and CryptoKey; `undefined` when the client has none.
 * @param clientId The `X-Plex-Client-Identifier` of the request.
 * @returns The claims.
 * @throws {HttpFailure} 401/1097 for no or another key, 422 for a bad signature or claims, 498 when expired.
 *
 * @example
 * ```ts ignore
 * const claims = await checkDeviceJwt(body.jwt, state.keyOf(ctx.clientId), ctx.clientId);
 * ```
 */
export async function checkDeviceJwt(
  compact: string,
  key: { kid: string; key: CryptoKey } | undefined,
  clientId: string,
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
    throw new HttpFailure(422, undefined, "The JWT exp must be after iat and at most 5 minutes after it");
  }
  const now = Math.floor(Date.now() / 1000);
  if (iat > now + CLOCK_SKEW_SECONDS) throw new HttpFailure(422, undefined, "The JWT iat is in the future");
  if (exp <= now) throw new HttpFailure(498, undefined, "The JWT has expired");
  return claims;
}
