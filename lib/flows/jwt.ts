/**
 * Ed25519 JWT authentication: register a device key with a legacy token, then
 * exchange signed device JWTs for 7-day Plex JWTs (nonce → device JWT → token).
 * Device JWTs are signed with jose.
 *
 * @module
 */
import { SignJWT } from "jose/jwt/sign";
import { exportJWK } from "jose/key/export";
import { PlexError } from "../errors.ts";
import { checkCallOptions } from "../http/deadline.ts";
import { checkOk } from "../http/error_body.ts";
import {
  type CallOptions,
  ensureOk,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
} from "../http/send.ts";
import {
  type CryptoKey,
  type DeviceKey,
  deviceKeyFromPrivate,
  generateDeviceKey,
  jwkThumbprint,
  type PublicJwk,
} from "../keys.ts";
import { startPlexClock } from "../http/plex_clock_start.ts";
import { plexTime } from "../http/shared_state.ts";
import { Token } from "../token.ts";
import { object, parse, string } from "../parse/validate.ts";

/**
 * What the JWT flows need besides the request context: the scopes to ask for.
 *
 * @example
 * ```ts
 * import type { JwtContext } from "./jwt.ts";
 * const context: JwtContext = { url: "https://plex.tv", v2Url: "https://clients.plex.tv", clientId: "id", device: {}, http: {}, scopes: ["username"] };
 * ```
 */
export interface JwtContext extends RequestContext {
  /** Scopes, sent comma-separated in the device JWT's `scope` claim. */
  readonly scopes: readonly string[];
}

/** Lifetime of a device JWT: plex.tv accepts at most 5 minutes. */
const DEVICE_JWT_SECONDS = 300;

/**
 * Signs a device JWT: header `{alg: "EdDSA", kid, typ: "JWT"}`, claims
 * `{nonce?, scope, aud: "plex.tv", iss: clientId, iat, exp: iat + 5 min}`.
 *
 * @param context The configuration (client id, scopes).
 * @param privateKey The device's Ed25519 private key.
 * @param keyId The registered key id.
 * @param nonce The nonce from {@linkcode nonceRequest}, when exchanging for a token.
 * @param now The signing time. Default: plex.tv's time as the configuration sees it (its clock
 *   corrected by its `PlexClock`), so a machine whose clock is off still signs a JWT plex.tv accepts.
 * @returns The compact device JWT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeJwt, decodeProtectedHeader } from "jose";
 * import { generateDeviceKey } from "../keys.ts";
 * import { signDeviceJwt } from "./jwt.ts";
 * const key = await generateDeviceKey();
 * const context = { url: "https://plex.tv", v2Url: "https://clients.plex.tv", clientId: "id", device: {}, http: {}, scopes: ["username"] };
 * const jwt = await signDeviceJwt(context, key.privateKey, key.keyId, "n1");
 * const claims = decodeJwt(jwt);
 * assert.ok(claims.exp === claims.iat! + 300 && decodeProtectedHeader(jwt).kid === key.keyId);
 * const notADate = "2026-01-01" as unknown as Date;
 * await assert.rejects(signDeviceJwt(context, key.privateKey, key.keyId, "n1", notADate), { code: "invalid_argument" });
 * ```
 */
export async function signDeviceJwt(
  context: JwtContext,
  privateKey: CryptoKey,
  keyId: string,
  nonce?: string,
  now?: Date,
): Promise<string> {
  startPlexClock(context.http);
  const at = now === undefined ? plexTime(context.http) : now instanceof Date ? now : new Date(NaN);
  const iat = Math.floor(at.getTime() / 1000);
  if (!Number.isFinite(iat)) throw new PlexError("invalid_argument", "The signing time is not a valid date");
  return await new SignJWT({ ...(nonce === undefined ? {} : { nonce }), scope: context.scopes.join(",") })
    .setProtectedHeader({ alg: "EdDSA", kid: keyId, typ: "JWT" })
    .setAudience("plex.tv")
    .setIssuer(context.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + DEVICE_JWT_SECONDS)
    .sign(privateKey);
}

/**
 * Sends the public key upload (`POST {v2}/api/v2/auth/jwk`).
 *
 * @param context The configuration.
 * @param publicJwk The public key, with `kid`.
 * @param token A valid legacy token or Plex JWT.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processUploadResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { generateDeviceKey } from "../keys.ts";
 * import { processUploadResponse, uploadRequest } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const key = await generateDeviceKey();
 * processUploadResponse(await uploadRequest(config, key.publicJwk, token)); // throws unless registered
 * assert.equal(emulator.registeredKey("doc-example"), key.keyId);
 * await emulator.close();
 * ```
 */
export function uploadRequest(
  context: RequestContext,
  publicJwk: PublicJwk,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, {
    method: "POST",
    host: "v2Url",
    path: "/api/v2/auth/jwk",
    json: { jwk: publicJwk },
    token,
  }, options);
}

/**
 * Checks a public key upload: 201 (or 204) means registered.
 *
 * @param response The response, or a recorded one.
 * @throws {PlexError} `unauthorized`, `thumbprint_taken`, `bad_request`, ...
 *
 * @example
 * ```ts
 * import { processUploadResponse } from "./jwt.ts";
 * processUploadResponse({ status: 201, headers: new Headers(), url: "", body: "" });
 * ```
 */
export function processUploadResponse(response: PlexResponse): void {
  checkOk(response);
}

/**
 * Uploads a public key so the device can use JWT tokens (the seed's `UploadPublicKey`).
 *
 * @param context The configuration.
 * @param publicKey The public key, as a JWK or an Ed25519 `CryptoKey` (public or extractable private).
 * @param token A valid legacy token or Plex JWT.
 * @param options Call options.
 * @returns The key id to use with {@linkcode jwtToken}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { generateDeviceKey } from "../keys.ts";
 * import { uploadPublicKey } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const key = await generateDeviceKey();
 * assert.equal(await uploadPublicKey(config, key.publicJwk, token), key.keyId);
 * await assert.rejects(uploadPublicKey(config, key.publicJwk, "not-a-token"), { code: "unauthorized" });
 * await emulator.close();
 * ```
 */
export async function uploadPublicKey(
  context: RequestContext,
  publicKey: PublicJwk | CryptoKey,
  token: Token | string,
  options: CallOptions = {},
): Promise<string> {
  checkCallOptions(options, [], "uploadPublicKey");
  const jwk = await toPublicJwk(publicKey);
  await ensureOk(await uploadRequest(context, jwk, token, options));
  return jwk.kid!;
}

async function toPublicJwk(key: PublicJwk | CryptoKey): Promise<PublicJwk> {
  if (!(key instanceof globalThis.CryptoKey)) {
    const kid = await jwkThumbprint(key);
    return { kty: "OKP", crv: "Ed25519", x: key.x, kid, use: "sig", alg: "EdDSA" };
  }
  if (key.type === "private") return (await deviceKeyFromPrivate(key)).publicJwk;
  const raw = await exportJWK(key);
  if (raw.crv !== "Ed25519" || typeof raw.x !== "string") {
    throw new PlexError("invalid_argument", "The public key is not an Ed25519 key");
  }
  return toPublicJwk({ kty: "OKP", crv: "Ed25519", x: raw.x });
}

/**
 * Generates an Ed25519 key pair and registers its public key with plex.tv
 * (the seed's `GenerateAndUploadPublicKey`).
 *
 * @param context The configuration.
 * @param token A valid legacy token or Plex JWT.
 * @param options Call options.
 * @returns The device key: keep `privateKey` and `keyId` in a secure store.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { generateAndUploadPublicKey } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const { privateKey, keyId } = await generateAndUploadPublicKey(config, token);
 * assert.equal(privateKey.algorithm.name, "Ed25519");
 * assert.equal(emulator.registeredKey("doc-example"), keyId);
 * await emulator.close();
 * ```
 */
export async function generateAndUploadPublicKey(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<DeviceKey> {
  checkCallOptions(options, [], "generateAndUploadPublicKey");
  const key = await generateDeviceKey();
  await ensureOk(await uploadRequest(context, key.publicJwk, token, options));
  return key;
}

/**
 * Sends the nonce request (`GET {v2}/api/v2/auth/nonce`).
 *
 * @param context The configuration.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processNonceResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { nonceRequest, processNonceResponse } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const nonce = processNonceResponse(await nonceRequest(config));
 * assert.ok(nonce.length > 0);
 * assert.equal(emulator.count("GET /api/v2/auth/nonce"), 1);
 * await emulator.close();
 * ```
 */
export function nonceRequest(context: RequestContext, options: CallOptions = {}): Promise<PlexResponse> {
  // A device JWT is signed on plex.tv's time: this response, and every one after it, feed its clock.
  startPlexClock(context.http);
  return send(context, { method: "GET", host: "v2Url", path: "/api/v2/auth/nonce" }, options);
}

/** What {@linkcode processNonceResponse} returns, from a response whose status was checked. */
function readNonceResponse(response: PlexResponse): string {
  return parse(object<{ nonce: string }>({ nonce: string }), readJson(response)).nonce;
}

/**
 * Checks a nonce response: `{"nonce":"<uuid>"}`.
 *
 * @param response The response, or a recorded one.
 * @returns The nonce (single use, valid 5 minutes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processNonceResponse } from "./jwt.ts";
 * const nonce = processNonceResponse({ status: 200, headers: new Headers(), url: "", body: '{"nonce":"7c415b56-8f48-488a-98ab-847ef4460442"}' });
 * assert.ok(nonce.startsWith("7c41"));
 * ```
 */
export function processNonceResponse(response: PlexResponse): string {
  return readNonceResponse(checkOk(response));
}

/**
 * Sends the token exchange (`POST {v2}/api/v2/auth/token` with `{"jwt": deviceJwt}`).
 *
 * @param context The configuration.
 * @param deviceJwt A device JWT signed with a nonce.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processTokenResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import {
 *   generateAndUploadPublicKey,
 *   nonceRequest,
 *   processNonceResponse,
 *   processTokenResponse,
 *   signDeviceJwt,
 *   tokenRequest,
 * } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const legacy = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const { privateKey, keyId } = await generateAndUploadPublicKey(config, legacy);
 * const nonce = processNonceResponse(await nonceRequest(config));
 * const deviceJwt = await signDeviceJwt(config, privateKey, keyId, nonce);
 * const token = processTokenResponse(await tokenRequest(config, deviceJwt));
 * assert.equal(token.claims?.thumbprint, keyId);
 * await emulator.close();
 * ```
 */
export function tokenRequest(
  context: RequestContext,
  deviceJwt: string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, {
    method: "POST",
    host: "v2Url",
    path: "/api/v2/auth/token",
    json: { jwt: deviceJwt },
  }, options);
}

/** What {@linkcode processTokenResponse} returns, from a response whose status was checked. */
function readTokenResponse(response: PlexResponse): Token {
  const token = new Token(
    parse(object<{ auth_token: string }>({ auth_token: string }), readJson(response)).auth_token,
  );
  if (!token.isJwt()) throw new PlexError("invalid_response", "plex.tv answered a token that is not a JWT");
  return token;
}

/**
 * Checks a token exchange response: `{"auth_token":"<Plex JWT>"}`.
 *
 * @param response The response, or a recorded one.
 * @returns The Plex JWT.
 * @throws {PlexError} `jwk_missing` (1097), `invalid_token` (422), `too_many_requests`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processTokenResponse } from "./jwt.ts";
 * assert.throws(() => processTokenResponse({ status: 401, headers: new Headers(), url: "", body: '{"errors":[{"code":1097,"message":"JWK missing"}]}' }), { code: "jwk_missing" });
 * ```
 */
export function processTokenResponse(response: PlexResponse): Token {
  return readTokenResponse(checkOk(response));
}

/**
 * Asks plex.tv for a nonce and reads it: the first half of {@linkcode jwtToken},
 * for a caller that decides between the halves (the answer has set plex.tv's
 * clock, see `startPlexClock`).
 *
 * @param context The configuration.
 * @param options Call options.
 * @returns The nonce (single use, valid 5 minutes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { fetchNonce } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * assert.ok((await fetchNonce(config)).length > 0);
 * await emulator.close();
 * ```
 */
export async function fetchNonce(context: RequestContext, options: CallOptions = {}): Promise<string> {
  return readNonceResponse(await ensureOk(await nonceRequest(context, options)));
}

/**
 * Signs a device JWT with a nonce and exchanges it for a Plex JWT: the second
 * half of {@linkcode jwtToken}.
 *
 * @param context The configuration.
 * @param privateKey The device's private key.
 * @param keyId The registered key id.
 * @param nonce The nonce from {@linkcode fetchNonce}.
 * @param options Call options.
 * @returns The Plex JWT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { exchangeNonce, fetchNonce, generateAndUploadPublicKey } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const legacy = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 * const { privateKey, keyId } = await generateAndUploadPublicKey(config, legacy);
 * assert.ok((await exchangeNonce(config, privateKey, keyId, await fetchNonce(config))).isJwt());
 * await emulator.close();
 * ```
 */
export async function exchangeNonce(
  context: JwtContext,
  privateKey: CryptoKey,
  keyId: string,
  nonce: string,
  options: CallOptions = {},
): Promise<Token> {
  const deviceJwt = await signDeviceJwt(context, privateKey, keyId, nonce);
  return readTokenResponse(await ensureOk(await tokenRequest(context, deviceJwt, options)));
}

/**
 * Gets a fresh 7-day Plex JWT with the device key: nonce, signed device JWT,
 * token exchange (the seed's `JWTToken`, with `iat` and `exp` in the device JWT).
 *
 * @param context The configuration.
 * @param privateKey The device's private key.
 * @param keyId The registered key id.
 * @param options Call options.
 * @returns The Plex JWT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { generateAndUploadPublicKey, jwtToken } from "./jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const legacy = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const { privateKey, keyId } = await generateAndUploadPublicKey(config, legacy);
 * const token = await jwtToken(config, privateKey, keyId);
 * assert.ok(token.isJwt());
 * assert.ok(token.expiresAt!.getTime() > Date.now() + 6 * 86_400_000); // valid 7 days
 * await emulator.close();
 * ```
 */
export async function jwtToken(
  context: JwtContext,
  privateKey: CryptoKey,
  keyId: string,
  options: CallOptions = {},
): Promise<Token> {
  checkCallOptions(options, [], "jwtToken");
  // Before the nonce is asked for: a key that cannot sign, or no key id, would waste it.
  if (!(privateKey instanceof globalThis.CryptoKey) || privateKey.type !== "private") {
    throw new PlexError("invalid_argument", "jwtToken takes the device's private key (a CryptoKey)");
  }
  if (typeof keyId !== "string" || keyId === "") {
    throw new PlexError("invalid_argument", "jwtToken takes the device key's id (a non-empty string)");
  }
  return await exchangeNonce(context, privateKey, keyId, await fetchNonce(context, options), options);
}
