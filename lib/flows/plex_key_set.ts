/**
 * plex.tv's published signing keys as an object the caller holds, with the
 * policy of jose's `createRemoteJWKSet`: the set is kept for a maximum age,
 * an unknown `kid` asks for the set again at most once per cooldown (also
 * when the previous request failed: the failure is remembered and answered
 * during the cooldown), and concurrent lookups share one request. The loading
 * itself is handed in by the verifier, so this file carries no jose and no
 * HTTP code and can sit on the main path (`Config` holds one).
 *
 * Written here rather than taken from jose because plex.tv's keys must be
 * requested through plextv's one request helper (client identifier headers,
 * retry budget, size cap, redirect policy), which `createRemoteJWKSet` cannot use.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import type { PublicJwk } from "../keys.ts";
import { SingleFlight } from "../token_sources/single_flight.ts";

/**
 * Options of a {@linkcode PlexKeySet}.
 *
 * @example
 * ```ts
 * import type { PlexKeySetOptions } from "./plex_key_set.ts";
 * const options: PlexKeySetOptions = { cacheMaxAgeMs: 10 * 60_000, cooldownMs: 30_000 };
 * ```
 */
export interface PlexKeySetOptions {
  /**
   * How long a loaded set is trusted, in milliseconds; after it the set is loaded again before use,
   * so a key plex.tv retires stops verifying. At least `cooldownMs`. Default one hour (`Infinity`:
   * until an unknown kid).
   */
  cacheMaxAgeMs?: number;
  /**
   * The least time between two requests for the set, in milliseconds, whatever the outcome of the
   * first: tokens with unknown kids (forged ones) cost at most one request per cooldown. Default 30 s.
   */
  cooldownMs?: number;
  /** The clock in milliseconds since the epoch (for tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * Loads the key set (the verifier passes one that asks plex.tv).
 *
 * @example
 * ```ts
 * import type { KeySetLoader } from "./plex_key_set.ts";
 * const fixed: KeySetLoader = () => Promise.resolve([]);
 * ```
 */
export type KeySetLoader = (signal: AbortSignal) => Promise<readonly unknown[]>;

const DEFAULT_MAX_AGE_MS = 3_600_000;
const DEFAULT_COOLDOWN_MS = 30_000;

/**
 * A cache of plex.tv's Ed25519 signing keys. `Config` creates one that its
 * `with*` copies share (a copy with other hosts gets its own);
 * `config.verifyPlexToken(token, { keySet })` uses another.
 *
 * @example A key set that never asks more than once a minute
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlexKeySet } from "./plex_key_set.ts";
 * const keySet = new PlexKeySet({ cooldownMs: 60_000 });
 * const jwk = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", kid: "k1" };
 * let requests = 0;
 * const load = () => (requests++, Promise.resolve([jwk]));
 * assert.equal((await keySet.key("k1", load))?.kid, "k1");
 * assert.equal(await keySet.key("forged", load), undefined);
 * assert.equal(requests, 1);
 * ```
 */
export class PlexKeySet {
  /** How long a loaded set is trusted, in milliseconds. */
  readonly cacheMaxAgeMs: number;
  /** The least time between two requests for the set, in milliseconds. */
  readonly cooldownMs: number;
  readonly #now: () => number;
  readonly #flight = new SingleFlight<void>("Waiting for plex.tv's keys was aborted");
  #keys?: readonly PublicJwk[];
  #loadedAt = -Infinity;
  #requestedAt = -Infinity;
  #loading = false;
  #failure?: unknown;

  /**
   * Creates an empty key set.
   *
   * @param options Maximum age, cooldown and clock.
   * @throws {PlexError} `invalid_argument` for an age or cooldown that is not a number of ms, 0 or more.
   */
  constructor(options: PlexKeySetOptions = {}) {
    const maxAge = options.cacheMaxAgeMs ?? DEFAULT_MAX_AGE_MS;
    const cooldown = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    if (typeof maxAge !== "number" || !(maxAge >= 0)) {
      throw new PlexError(
        "invalid_argument",
        "A key set's cacheMaxAgeMs is a number of milliseconds, 0 or more",
      );
    }
    if (typeof cooldown !== "number" || !Number.isFinite(cooldown) || cooldown < 0) {
      throw new PlexError(
        "invalid_argument",
        "A key set's cooldownMs is a finite number of milliseconds, 0 or more",
      );
    }
    if (maxAge < cooldown) {
      // A set past its age waits for the cooldown to reload: every token would be refused meanwhile.
      throw new PlexError(
        "invalid_argument",
        "A key set's cacheMaxAgeMs must be at least its cooldownMs, or tokens are refused while a reload waits",
      );
    }
    if (options.now !== undefined && typeof options.now !== "function") {
      throw new PlexError("invalid_argument", "A key set's clock is a function returning milliseconds");
    }
    this.cacheMaxAgeMs = maxAge;
    this.cooldownMs = cooldown;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a loaded set is younger than {@linkcode PlexKeySet.cacheMaxAgeMs}. */
  get fresh(): boolean {
    return this.#keys !== undefined && this.#now() - this.#loadedAt < this.cacheMaxAgeMs;
  }

  /** Whether the last request for the set was made less than {@linkcode PlexKeySet.cooldownMs} ago. */
  get coolingDown(): boolean {
    return this.#now() - this.#requestedAt < this.cooldownMs;
  }

  /** Why the last request for the set failed, until one succeeds; `undefined` after a success. */
  get failure(): unknown {
    return this.#failure;
  }

  /**
   * The keys loaded last (fresh or not), or `undefined` before the first load.
   *
   * @returns A copy of the keys.
   */
  jwks(): PublicJwk[] | undefined {
    return this.#keys?.map((key) => ({ ...key }));
  }

  /**
   * The key for a token's `kid`: from the set while it is fresh, else after
   * loading it with `load` — at most once per cooldown, one load at a time.
   * A token without `kid` gets the only key of a one-key set. Never throws for
   * a failed load (see {@linkcode PlexKeySet.failure}); only the caller's abort is thrown.
   *
   * @param kid The token's `kid` header (`undefined` when it has none).
   * @param load Loads the set; its entries are filtered with {@linkcode usableKeys}.
   * @param signal Stops this caller waiting for a load.
   * @returns The key, or `undefined` when the set has none for `kid` (or could not be loaded).
   * @throws {PlexError} `aborted` when `signal` fires.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PlexKeySet } from "./plex_key_set.ts";
   * const keySet = new PlexKeySet();
   * const down = () => Promise.reject(new Error("plex.tv is down"));
   * assert.equal(await keySet.key("k1", down), undefined);
   * assert.ok(keySet.failure instanceof Error && keySet.coolingDown);
   * ```
   */
  async key(
    kid: string | undefined,
    load: KeySetLoader,
    signal?: AbortSignal,
  ): Promise<PublicJwk | undefined> {
    if (!this.#loading) {
      const found = this.fresh ? pickKey(this.#keys!, kid) : undefined;
      if (found || this.coolingDown) return found;
    }
    try {
      await this.#flight.run((flightSignal) => this.#load(load, flightSignal), signal);
    } catch (err) {
      if (signal?.aborted) throw err;
    }
    return this.fresh ? pickKey(this.#keys!, kid) : undefined;
  }

  async #load(load: KeySetLoader, signal: AbortSignal): Promise<void> {
    this.#loading = true;
    this.#requestedAt = this.#now();
    try {
      const keys = usableKeys(await load(signal));
      this.#keys = keys;
      this.#loadedAt = this.#now();
      this.#failure = undefined;
    } catch (err) {
      this.#failure = err;
      throw err;
    } finally {
      this.#loading = false;
    }
  }
}

/**
 * The key of a set for a token's `kid`: the one with that `kid`, or for a
 * token without one, the only key of a one-key set (as jose picks).
 *
 * @param keys The keys (from {@linkcode usableKeys}).
 * @param kid The token's `kid`, `undefined` when it has none.
 * @returns The key, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickKey } from "./plex_key_set.ts";
 * const keys = [{ kty: "OKP" as const, crv: "Ed25519" as const, x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", kid: "k1" }];
 * assert.equal(pickKey(keys, "k1"), keys[0]);
 * assert.equal(pickKey(keys, undefined), keys[0]);
 * assert.equal(pickKey(keys, "k2"), undefined);
 * ```
 */
export function pickKey(keys: readonly PublicJwk[], kid: string | undefined): PublicJwk | undefined {
  if (kid === undefined) return keys.length === 1 ? keys[0] : undefined;
  return keys.find((key) => key.kid === kid);
}

/**
 * The entries of a key set that can verify an EdDSA token: Ed25519 public
 * keys (`kty: "OKP"`, `crv: "Ed25519"`, a string `x`) whose `use`, `alg`,
 * `key_ops` and `kid`, when present, allow signature verification. Other
 * entries (an RSA key, an encryption key) are skipped, as jose skips them, so
 * a new kind of key at plex.tv does not break verification. Two usable keys
 * with one `kid` make the set ambiguous: it is refused.
 *
 * @param entries The `keys` of a JWK set.
 * @returns The usable keys, each with only its public members.
 * @throws {PlexError} `invalid_response` when two usable keys share a `kid`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usableKeys } from "./plex_key_set.ts";
 * const x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
 * const keys = usableKeys([
 *   { kty: "RSA", n: "…", e: "AQAB", kid: "rsa" },
 *   { kty: "OKP", crv: "Ed25519", x, kid: "enc", use: "enc" },
 *   { kty: "OKP", crv: "Ed25519", x, kid: "sig", use: "sig", alg: "EdDSA" },
 * ]);
 * assert.deepEqual(keys.map((key) => key.kid), ["sig"]);
 * ```
 */
export function usableKeys(entries: readonly unknown[]): PublicJwk[] {
  const keys: PublicJwk[] = [];
  const kids = new Set<string>();
  for (const entry of entries) {
    const key = usableKey(entry);
    if (!key) continue;
    if (key.kid !== undefined) {
      if (kids.has(key.kid)) {
        throw new PlexError("invalid_response", "plex.tv's key set is ambiguous: two keys share one kid");
      }
      kids.add(key.kid);
    }
    keys.push(key);
  }
  return keys;
}

function usableKey(entry: unknown): PublicJwk | undefined {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
  const { kty, crv, x, kid, use, alg, key_ops: ops } = entry as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519" || typeof x !== "string" || x === "") return undefined;
  if (kid !== undefined && typeof kid !== "string") return undefined;
  if (use !== undefined && use !== "sig") return undefined;
  if (alg !== undefined && alg !== "EdDSA") return undefined;
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes("verify"))) return undefined;
  return {
    kty,
    crv,
    x,
    ...(kid === undefined ? {} : { kid }),
    ...(use === undefined ? {} : { use }),
    ...(alg === undefined ? {} : { alg }),
  };
}
