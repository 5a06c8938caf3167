/**
 * Compact JWS with EdDSA (Ed25519) only: the one algorithm plex.tv uses for
 * device JWTs and for its own tokens. Web Crypto only.
 *
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from "./parse/base64url.ts";
import { PlexError } from "./errors.ts";

/**
 * A decoded (not verified) compact JWT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeJwt, type DecodedJwt } from "./jws.ts";
 * const jwt: DecodedJwt = decodeJwt("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln");
 * assert.equal(jwt.payload.sub, "1");
 * ```
 */
export interface DecodedJwt {
  /** The protected header. */
  header: Record<string, unknown>;
  /** The claims. */
  payload: Record<string, unknown>;
  /** `header.payload`, the bytes that were signed. */
  signingInput: string;
  /** The signature bytes. */
  signature: Uint8Array<ArrayBuffer>;
}

/**
 * Splits and decodes a compact JWT without verifying it.
 *
 * @param compact The `header.payload.signature` text.
 * @returns The header, payload, signing input and signature.
 * @throws {PlexError} `invalid_token` when the text is not a compact JWT with JSON objects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeJwt } from "./jws.ts";
 * assert.equal(decodeJwt("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln").header.alg, "EdDSA");
 * ```
 */
export function decodeJwt(compact: string): DecodedJwt {
  const parts = compact.split(".");
  if (parts.length !== 3 || !parts[0] || !parts[1]) {
    throw new PlexError("invalid_token", "The token is not a compact JWT");
  }
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(decodeBase64Url(h)));
    const payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(decodeBase64Url(p)));
    if (!isObject(header) || !isObject(payload)) throw new Error("not an object");
    return { header, payload, signingInput: `${h}.${p}`, signature: decodeBase64Url(s) };
  } catch {
    // No `cause`: a JSON SyntaxError would quote the decoded claims.
    throw new PlexError("invalid_token", "The token's header or claims are not valid JSON");
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Signs claims as a compact EdDSA JWT.
 *
 * @param privateKey An Ed25519 private key.
 * @param header Extra header fields (`kid`, `typ`); `alg` is always `EdDSA`.
 * @param payload The claims.
 * @returns The compact JWT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { signJwt, verifyJwt } from "./jws.ts";
 * const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
 * const jwt = await signJwt(pair.privateKey, { kid: "k1", typ: "JWT" }, { aud: "plex.tv" });
 * assert.equal((await verifyJwt(jwt, pair.publicKey)).payload.aud, "plex.tv");
 * ```
 */
export async function signJwt(
  privateKey: CryptoKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const input = `${encodeBase64Url(JSON.stringify({ ...header, alg: "EdDSA" }))}.${
    encodeBase64Url(JSON.stringify(payload))
  }`;
  const signature = await crypto.subtle.sign(
    { name: "Ed25519" },
    privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${encodeBase64Url(new Uint8Array(signature))}`;
}

/**
 * Verifies a compact EdDSA JWT's signature (claims are not checked here).
 *
 * @param compact The compact JWT.
 * @param publicKey The Ed25519 public key.
 * @returns The decoded JWT.
 * @throws {PlexError} `invalid_token` when the algorithm is not EdDSA or the signature does not verify.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { signJwt, verifyJwt } from "./jws.ts";
 * const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
 * const jwt = await signJwt(pair.privateKey, {}, { n: 1 });
 * assert.equal((await verifyJwt(jwt, pair.publicKey)).payload.n, 1);
 * ```
 */
export async function verifyJwt(compact: string, publicKey: CryptoKey): Promise<DecodedJwt> {
  const jwt = decodeJwt(compact);
  if (jwt.header.alg !== "EdDSA") {
    const alg = typeof jwt.header.alg === "string" ? jwt.header.alg.slice(0, 20) : typeof jwt.header.alg;
    throw new PlexError("invalid_token", `The token's algorithm must be EdDSA, not ${alg}`);
  }
  const ok = await crypto.subtle.verify(
    { name: "Ed25519" },
    publicKey,
    jwt.signature,
    new TextEncoder().encode(jwt.signingInput),
  );
  if (!ok) throw new PlexError("invalid_token", "The token's signature does not verify");
  return jwt;
}
