/**
 * Verifying Plex JWTs with jose: the EdDSA signature against plex.tv's
 * published Ed25519 keys (`GET {v2}/api/v2/auth/keys`, held in a
 * {@linkcode PlexKeySet}, selected by `kid`), then the claims (`iss`, `exp`,
 * `nbf`, `iat`, `aud`, `thumbprint`). It fails closed: unusable options are an
 * `invalid_argument`, and every token that does not verify, for whatever
 * reason (plex.tv's keys unavailable included), is an `invalid_token` or an
 * `expired_token`.
 *
 * @module
 */
import { decodeProtectedHeader } from "jose/decode/protected_header";
import { JOSEError, JWTExpired } from "jose/errors";
import { jwtVerify, type JWTVerifyOptions } from "jose/jwt/verify";
import { importJWK } from "jose/key/import";
import { isPlexError, PlexError } from "../errors.ts";
import { checkCallOptions, timeoutMs } from "../http/deadline.ts";
import { checkOk } from "../http/error_body.ts";
import {
  type CallOptions,
  ensureOk,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
} from "../http/send.ts";
import { PLEX_CLOCK_RESOLUTION_MS } from "../http/plex_clock.ts";
import { startPlexClock } from "../http/plex_clock_start.ts";
import { plexTime } from "../http/shared_state.ts";
import type { PublicJwk } from "../keys.ts";
import { type PlexJwtClaims, Token } from "../token.ts";
import { array, object, parse, unknownValue } from "../parse/validate.ts";
import { pickKey, PlexKeySet, usableKeys } from "./plex_key_set.ts";

export { PlexKeySet };

const keySetValidator = object<{ keys: unknown[] }>({ keys: array(unknownValue) });

/** What {@linkcode processPlexKeysResponse} returns, from a response whose status was checked. */
function readPlexKeysResponse(response: PlexResponse): PublicJwk[] {
  return usableKeys(parse(keySetValidator, readJson(response)).keys);
}

/**
 * Checks a key set response: `{"keys":[{kty,crv,x,use,alg,kid}]}`. Keys
 * that cannot verify an EdDSA token (another key type, `use: "enc"`, another
 * `alg`, `key_ops` without `verify`) are left out; two usable keys with one
 * `kid` make the set ambiguous and it is refused.
 *
 * @param response The response, or a recorded one.
 * @returns The usable Ed25519 public keys.
 * @throws {PlexError} `invalid_response` for a body that is not a key set, or an ambiguous set.
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
  return readPlexKeysResponse(checkOk(response));
}

/**
 * Fetches plex.tv's public keys, which sign the Plex JWTs.
 *
 * @param context The configuration.
 * @param options Call options.
 * @returns The keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { plexPublicKeys } from "./verify.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const keys = await plexPublicKeys(config);
 * assert.ok(keys.length > 0 && keys.every((key) => key.crv === "Ed25519" && typeof key.kid === "string"));
 * await emulator.close();
 * ```
 */
export async function plexPublicKeys(
  context: RequestContext,
  options: CallOptions = {},
): Promise<PublicJwk[]> {
  checkCallOptions(options, [], "plexPublicKeys");
  return readPlexKeysResponse(
    await ensureOk(await send(context, { method: "GET", host: "v2Url", path: "/api/v2/auth/keys" }, options)),
  );
}

/**
 * Options of {@linkcode verifyPlexToken}.
 *
 * @example
 * ```ts
 * import type { VerifyOptions } from "./verify.ts";
 * const options: VerifyOptions = { thumbprint: "my-key-id", audience: "my-client-id", clockToleranceSeconds: 30 };
 * ```
 */
export interface VerifyOptions extends CallOptions {
  /**
   * Keys to look in first (for example a saved copy of plex.tv's set); a `kid` they lack is looked up
   * in the key set. Keys that cannot verify EdDSA tokens are skipped; two with one `kid` are refused.
   */
  keys?: PublicJwk[];
  /** The key set to look up and cache plex.tv's keys in. Default: the configuration's. */
  keySet?: PlexKeySet;
  /** The device key id the token must carry in its `thumbprint` claim. */
  thumbprint?: string;
  /** The token's `aud` must contain this value (or one of these), e.g. the client identifier. */
  audience?: string | string[];
  /**
   * Allowed clock skew for `exp`, `nbf` and a future `iat`, in seconds: a finite number, 0 or more.
   * Default 0. Without `now`, the claims are judged on plex.tv's time as this configuration estimates
   * it, which is good to 2 s either way (the plex.tv clock's resolution): that much is allowed on top,
   * so a token plex.tv has just issued is never "in the future".
   */
  clockToleranceSeconds?: number;
  /** The current time the claims are judged at. Default: plex.tv's time as this configuration sees it. */
  now?: Date;
}

/**
 * What verification needs from a configuration: the request context and the key set; `Config` is one.
 *
 * @example
 * ```ts
 * import type { VerifyContext } from "./verify.ts";
 * import { PlexKeySet } from "./plex_key_set.ts";
 * const context: VerifyContext = { url: "https://plex.tv", v2Url: "https://clients.plex.tv", clientId: "id", device: {}, http: {}, keySet: new PlexKeySet() };
 * ```
 */
export interface VerifyContext extends RequestContext {
  /** Where plex.tv's keys are cached. */
  readonly keySet: PlexKeySet;
}

/** The claims every Plex JWT carries; one without them is not accepted. */
const REQUIRED_CLAIMS = ["exp", "iat", "thumbprint"];

/**
 * Verifies a Plex JWT with jose: compact JWS with `alg: "EdDSA"` only, no
 * unknown `crit` and no unencoded payload (`b64`), a string `kid` (when
 * present) naming a key of plex.tv's set, a valid signature, `iss` =
 * `plex.tv`, numeric `exp` (in the future), `iat` and `nbf` (not in the
 * future, when present), `aud` containing `options.audience` when given, and
 * a string `thumbprint` claim (equal to `options.thumbprint` when given).
 *
 * An unknown `kid` (plex.tv may have rotated its keys) loads the key set
 * again, but never more than once per the key set's cooldown, so forged
 * tokens cannot turn into a stream of requests to plex.tv; while plex.tv's
 * keys cannot be loaded, tokens whose key is not cached are `invalid_token`.
 *
 * @param context The configuration (its key set caches plex.tv's keys).
 * @param token The Plex JWT.
 * @param options Keys, key set, expected thumbprint and audience, clock tolerance, current time.
 * @returns The verified claims.
 * @throws {PlexError} `invalid_argument` for unusable options; `invalid_token` or `expired_token` for
 * every token that does not verify; `aborted` when `options.signal` fires.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { PlexKeySet, verifyPlexToken } from "./verify.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const context = { ...config, keySet: new PlexKeySet() }; // keep the key set: it caches plex.tv's keys
 * const token = await emulator.issueJwt({ clientId: "doc-example", thumbprint: "my-key-id" });
 * const claims = await verifyPlexToken(context, token, { thumbprint: "my-key-id", audience: config.clientId });
 * assert.equal(claims.user?.username, "plexuser");
 * await assert.rejects(verifyPlexToken(context, token, { thumbprint: "other-key" }), { code: "invalid_token" });
 * await emulator.close();
 * ```
 */
export async function verifyPlexToken(
  context: VerifyContext,
  token: Token | string,
  options: VerifyOptions = {},
): Promise<PlexJwtClaims> {
  startPlexClock(context.http);
  const checked = checkOptions(options, context);
  const compact = Token.from(token).value;
  checkHeader(compact);
  const { keySet, keys } = checked;
  // One attempt per load, never retried: the key set's cooldown is its retry schedule.
  const once: RequestContext = {
    ...context,
    http: { ...context.http, retry: { ...context.http.retry, retries: 0 } },
  };
  const load = (signal: AbortSignal) =>
    plexPublicKeys(once, { fetch: options.fetch, timeoutMs: options.timeoutMs, signal });
  const getKey = async ({ kid }: { kid?: string }) => {
    const jwk = pickKey(keys, kid) ?? await keySet.key(kid, load, options.signal);
    if (!jwk) throw noKey(keySet);
    // plex.tv's time is read once the key is in hand: the key set's answer may be the clock's first sample.
    if (options.now === undefined) checked.jose.currentDate = plexTime(context.http);
    try {
      return await importJWK(jwk, "EdDSA");
    } catch {
      throw new PlexError(
        "invalid_token",
        "The token's key in plex.tv's key set is not a usable Ed25519 key",
      );
    }
  };
  let claims: PlexJwtClaims;
  try {
    claims = (await jwtVerify<PlexJwtClaims>(compact, getKey, checked.jose)).payload;
  } catch (err) {
    throw verdict(err);
  }
  // jose checks iat only with maxTokenAge: a token issued after now (beyond the tolerance) is refused here.
  const nowSeconds = Math.floor(checked.jose.currentDate!.getTime() / 1000);
  if ((claims.iat ?? 0) > nowSeconds + (checked.jose.clockTolerance as number)) {
    throw new PlexError("invalid_token", "The token's iat is in the future");
  }
  if (typeof claims.thumbprint !== "string") {
    throw new PlexError("invalid_token", "The token's thumbprint claim is not a string");
  }
  if (options.thumbprint !== undefined && claims.thumbprint !== options.thumbprint) {
    throw new PlexError("invalid_token", "The token was issued for another device key");
  }
  return claims;
}

/** The options, checked (fail closed), as jose's options plus the keys and key set to use. */
/** The options of {@linkcode verifyPlexToken} beyond the common call options. */
const VERIFY_OPTIONS: readonly string[] = [
  "keys",
  "keySet",
  "thumbprint",
  "audience",
  "clockToleranceSeconds",
  "now",
];

function checkOptions(
  options: VerifyOptions,
  context: VerifyContext,
): { jose: JWTVerifyOptions; keys: PublicJwk[]; keySet: PlexKeySet } {
  if (typeof options !== "object" || options === null) {
    throw new PlexError("invalid_argument", "The verification options must be an object");
  }
  // A misspelt check (thumbPrint, audiance) would otherwise verify without it.
  checkCallOptions(options, VERIFY_OPTIONS, "verifyPlexToken");
  const { clockToleranceSeconds: tolerance, now, audience, thumbprint, keySet, keys } = options;
  if (
    tolerance !== undefined &&
    !(typeof tolerance === "number" && Number.isFinite(tolerance) && tolerance >= 0)
  ) {
    throw new PlexError(
      "invalid_argument",
      "clockToleranceSeconds must be a finite number of seconds, 0 or more",
    );
  }
  if (now !== undefined && !(now instanceof Date && Number.isFinite(now.getTime()))) {
    throw new PlexError("invalid_argument", "now must be a valid Date");
  }
  const audiences = typeof audience === "string" ? [audience] : audience;
  if (
    audiences !== undefined &&
    !(Array.isArray(audiences) && audiences.length > 0 && audiences.every(nonEmpty))
  ) {
    throw new PlexError(
      "invalid_argument",
      "audience must be a non-empty string or a non-empty array of them",
    );
  }
  if (thumbprint !== undefined && !nonEmpty(thumbprint)) {
    throw new PlexError("invalid_argument", "thumbprint must be a non-empty string");
  }
  if (keySet !== undefined && !(keySet instanceof PlexKeySet)) {
    throw new PlexError("invalid_argument", "keySet must be a PlexKeySet");
  }
  if (keys !== undefined && !Array.isArray(keys)) {
    throw new PlexError("invalid_argument", "keys must be an array of public JWKs");
  }
  // Checked here, not by the key set's load: a failed load is remembered for the cooldown.
  timeoutMs(options.timeoutMs, "timeoutMs");
  let usable: PublicJwk[] = [];
  try {
    usable = usableKeys(keys ?? []);
  } catch {
    throw new PlexError("invalid_argument", "The keys given are ambiguous: two share one kid");
  }
  return {
    jose: {
      algorithms: ["EdDSA"],
      issuer: "plex.tv",
      audience: audiences,
      requiredClaims: REQUIRED_CLAIMS,
      // An estimate of plex.tv's time is only as good as the clock's resolution; a given `now` is exact.
      clockTolerance: (tolerance ?? 0) + (now === undefined ? PLEX_CLOCK_RESOLUTION_MS / 1000 : 0),
      currentDate: now ?? plexTime(context.http),
    },
    keys: usable,
    keySet: keySet ?? context.keySet,
  };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/** The checks jose leaves to the application: a compact JWS, a string `kid`, no `b64` at all. */
function checkHeader(compact: string): void {
  let header: Record<string, unknown>;
  try {
    if (compact.split(".").length !== 3) throw new Error("not three parts");
    header = decodeProtectedHeader(compact);
  } catch {
    // No `cause`: it could quote the decoded header.
    throw new PlexError("invalid_token", "The token is not a compact JWT");
  }
  if (header.kid !== undefined && typeof header.kid !== "string") {
    throw new PlexError("invalid_token", "The token's kid header is not a string");
  }
  // jose ignores a b64 outside crit; a JWT never has an unencoded payload (RFC 7797 section 7).
  if (Object.hasOwn(header, "b64")) {
    throw new PlexError("invalid_token", "The token's header has b64: a JWT's payload is always encoded");
  }
}

function noKey(keySet: PlexKeySet): PlexError {
  const { failure } = keySet;
  if (failure === undefined) {
    // Its last load may be older than a key plex.tv has published since: it is loaded again after the cooldown.
    return new PlexError("invalid_token", "The token is signed with a key that is not in plex.tv's key set", {
      hint:
        `plex.tv's key set is loaded at most every ${keySet.cooldownMs / 1000} s: a token signed with a ` +
        "key published since its last load verifies after that; one of another signer never does",
    });
  }
  return new PlexError(
    "invalid_token",
    "The token's key is not among the cached keys of plex.tv, whose key set could not be loaded",
    {
      cause: failure,
      hint: "Check the connection to plex.tv; the key set is asked for again after its cooldown",
    },
  );
}

/** The PlexError for a token jose (or the key lookup) refused. */
function verdict(err: unknown): PlexError {
  if (isPlexError(err)) return err;
  if (err instanceof JWTExpired) {
    return new PlexError("expired_token", "The token has expired");
  }
  // jose's messages name the failed check, never a claim's value; its errors carry the claims, so no `cause`.
  const reason = err instanceof JOSEError ? `: ${err.message}` : "";
  return new PlexError("invalid_token", `The token does not verify${reason}`);
}
