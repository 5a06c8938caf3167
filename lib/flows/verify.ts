/**
 * Verifying Plex JWTs against plex.tv's published Ed25519 keys
 * (`GET {v2}/api/v2/auth/keys`), selected by `kid`, refetched once when an
 * unknown `kid` shows that Plex rotated its keys.
 *
 * @module
 */
import { SingleFlight } from "../token_sources/single_flight.ts";
import { PlexError } from "../errors.ts";
import {
  type CallOptions,
  checkOk,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
} from "../http/send.ts";
import { decodeJwt, verifyJwt } from "../jws.ts";
import { importPublicJwk, type PublicJwk } from "../keys.ts";
import { type PlexJwtClaims, Token } from "../token.ts";
import { array, literal, object, optional, parse, string } from "../parse/validate.ts";

const keySetValidator = object<{ keys: PublicJwk[] }>({
  keys: array(object<PublicJwk>({
    kty: literal("OKP"),
    crv: literal("Ed25519"),
    x: string,
    kid: optional(string),
    use: optional(string),
    alg: optional(string),
  })),
});

/**
 * Checks a key set response: `{"keys":[{kty,crv,x,use,alg,kid}]}`.
 *
 * @param response The response, or a recorded one.
 * @returns The Ed25519 public keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processPlexKeysResponse } from "./verify.ts";
 * const keys = processPlexKeysResponse({ status: 200, headers: new Headers(), url: "",
 *   body: '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"ZMZVfsxQN6j1IJe1V4YdbuBzctrouOXphsGGQ9Oa0ug","kid":"k1"}]}' });
 * assert.equal(keys[0]?.kid, "k1");
 * ```
 */
export function processPlexKeysResponse(response: PlexResponse): PublicJwk[] {
  checkOk(response);
  return parse(keySetValidator, readJson(response)).keys;
}

/**
 * Fetches plex.tv's public keys, which sign the Plex JWTs.
 *
 * @param context The configuration.
 * @param options Call options.
 * @returns The keys.
 *
 * @example
 * ```ts ignore
 * const keys = await plexPublicKeys(config);
 * ```
 */
export async function plexPublicKeys(
  context: RequestContext,
  options: CallOptions = {},
): Promise<PublicJwk[]> {
  return processPlexKeysResponse(
    await send(context, { method: "GET", host: "v2Url", path: "/api/v2/auth/keys" }, options),
  );
}

/**
 * Options of {@linkcode verifyPlexToken}.
 *
 * @example
 * ```ts
 * import type { VerifyOptions } from "./verify.ts";
 * const options: VerifyOptions = { thumbprint: "my-key-id", clockToleranceSeconds: 30 };
 * ```
 */
export interface VerifyOptions extends CallOptions {
  /** The key set to use first (for example a cached one); fetched when absent or when the kid is unknown. */
  keys?: PublicJwk[];
  /** The device key id the token must carry in its `thumbprint` claim. */
  thumbprint?: string;
  /** Allowed clock skew for `exp`. Default 0. */
  clockToleranceSeconds?: number;
  /** The current time (for tests). */
  now?: Date;
}

/** How long a fetched key set is trusted without refetching: a key plex.tv retires stops verifying after this. */
const KEY_SET_MAX_AGE_MS = 3_600_000;
const keyCache = new Map<string, { keys: PublicJwk[]; fetchedAt: number; refetchedAt?: number }>();
const keyFetches = new Map<string, SingleFlight<PublicJwk[]>>();
/** After refetching for an unknown kid, unknown kids are refused without asking plex.tv for this long. */
const UNKNOWN_KID_REFETCH_MS = 60_000;

/** One key-set request per host at a time, however many verifications wait for it. */
function fetchKeys(context: RequestContext, options: CallOptions): Promise<PublicJwk[]> {
  let flight = keyFetches.get(context.v2Url);
  if (!flight) {
    keyFetches.set(context.v2Url, flight = new SingleFlight("Waiting for plex.tv's keys was aborted"));
  }
  return flight.run((signal) => plexPublicKeys(context, { ...options, signal }), options.signal);
}

/**
 * Verifies a Plex JWT: its EdDSA signature against plex.tv's keys (by `kid`,
 * refetching once for an unknown kid), `iss` = `plex.tv`, `exp` in the future,
 * and a `thumbprint` claim (equal to `options.thumbprint` when given).
 *
 * @param context The configuration.
 * @param token The Plex JWT.
 * @param options Keys, expected thumbprint, clock tolerance, call options.
 * @returns The verified claims.
 * @throws {PlexError} `invalid_token` or `expired_token`.
 *
 * @example
 * ```ts ignore
 * const claims = await verifyPlexToken(config, token, { thumbprint: keyId });
 * console.log(claims.user?.username);
 * ```
 */
export async function verifyPlexToken(
  context: RequestContext,
  token: Token | string,
  options: VerifyOptions = {},
): Promise<PlexJwtClaims> {
  const compact = Token.from(token).value;
  const { header } = decodeJwt(compact);
  const kid = typeof header.kid === "string" ? header.kid : undefined;
  const cacheKey = context.v2Url;
  const nowMs = (options.now ?? new Date()).getTime();
  const cached = keyCache.get(cacheKey);
  const current = cached && nowMs - cached.fetchedAt < KEY_SET_MAX_AGE_MS ? cached : undefined;
  let keys = options.keys ?? current?.keys;
  let key = keys && pick(keys, kid);
  // An unknown kid may mean plex.tv rotated its keys: refetch, but not again for a minute, so forged
  // tokens with made-up kids cannot turn into a stream of requests to plex.tv.
  const mayRefetch = !current || options.keys !== undefined || current.refetchedAt === undefined ||
    nowMs - current.refetchedAt >= UNKNOWN_KID_REFETCH_MS;
  if (!key && mayRefetch) {
    keys = await fetchKeys(context, options);
    keyCache.set(cacheKey, { keys, fetchedAt: nowMs, refetchedAt: current ? nowMs : undefined });
    key = pick(keys, kid);
  }
  if (!key) throw new PlexError("invalid_token", "The token is signed with a key plex.tv does not publish");
  const claims = (await verifyJwt(compact, await importPublicJwk(key))).payload as PlexJwtClaims;
  if (claims.iss !== "plex.tv") throw new PlexError("invalid_token", "The token was not issued by plex.tv");
  const now = nowMs / 1000;
  if (typeof claims.exp !== "number") throw new PlexError("invalid_token", "The token has no exp claim");
  if (claims.exp + (options.clockToleranceSeconds ?? 0) <= now) {
    throw new PlexError("expired_token", "The token has expired", {
      hint: "Refresh the token or sign in again",
    });
  }
  if (typeof claims.thumbprint !== "string") {
    throw new PlexError("invalid_token", "The token has no thumbprint claim");
  }
  if (options.thumbprint !== undefined && claims.thumbprint !== options.thumbprint) {
    throw new PlexError("invalid_token", "The token was issued for another device key");
  }
  return claims;
}

function pick(keys: PublicJwk[], kid: string | undefined): PublicJwk | undefined {
  if (kid !== undefined) return keys.find((k) => k.kid === kid);
  return keys.length === 1 ? keys[0] : undefined;
}
