/**
 * A plex.tv token: a 20-character legacy token or a Plex JWT. Printing it
 * never shows the secret; `.value` gives the raw string.
 *
 * A JWT's claims are read (never trusted: verification is jose's `jwtVerify`,
 * in `flows/verify.ts`) with the project's base64url decoder and `JSON.parse`,
 * rather than with jose's `decodeJwt`, which brings jose's validation module
 * into every bundle: a `Token` is on every path, legacy sign-ins included.
 * The rule is the same: three segments, a header and a payload that are JSON
 * objects.
 *
 * @module
 */
import { decodeBase64Url } from "./parse/base64url.ts";
import { PlexError } from "./errors.ts";

/**
 * The claims of a Plex JWT that plextv reads (others are kept).
 *
 * @example
 * ```ts
 * import type { PlexJwtClaims } from "./token.ts";
 * const claims: PlexJwtClaims = { iss: "plex.tv", exp: 1_900_000_000, thumbprint: "kid" };
 * ```
 */
export interface PlexJwtClaims {
  /** Issuer: `plex.tv`. */
  iss?: string;
  /** Audience: plex.tv and/or the client identifier. */
  aud?: string | string[];
  /** Issued at, unix seconds. */
  iat?: number;
  /** Expiry, unix seconds. */
  exp?: number;
  /** The registered device key id this token was issued for. */
  thumbprint?: string;
  /** The nonce of the exchange. */
  nonce?: string;
  /** The account. */
  user?: { id?: number; uuid?: string; username?: string; email?: string; friendly_name?: string };
  /** Any other claim. */
  [claim: string]: unknown;
}

const INSPECT_NODE = Symbol.for("nodejs.util.inspect.custom");
/** The largest time a `Date` can hold (ECMAScript: 8.64e15 ms either side of 1970). */
const MAX_DATE_MS = 8.64e15;
const INSPECT_DENO = Symbol.for("Deno.customInspect");

/**
 * A plex.tv authentication token, legacy or JWT.
 *
 * `toString()`, `toJSON()` and console output show only its kind and expiry;
 * read {@linkcode Token.value} to send it.
 *
 * @example Inspecting a token without leaking it
 * ```ts
 * import assert from "node:assert/strict";
 * import { Token } from "./token.ts";
 * const token = new Token("abcdefghij0123456789");
 * assert.ok(token.isLegacy() && !token.isJwt());
 * assert.ok(!String(token).includes("abcdef"));
 * assert.equal(token.value, "abcdefghij0123456789");
 * ```
 */
export class Token {
  readonly #value: string;
  #claims?: PlexJwtClaims | null;

  /**
   * Wraps a token string.
   *
   * @param value The raw token.
   * @throws {PlexError} `invalid_token` when the value is empty or has whitespace or control characters.
   */
  constructor(value: string) {
    if (typeof value !== "string" || value.length === 0 || !/^[\x21-\x7e]+$/.test(value)) {
      throw new PlexError(
        "invalid_token",
        "A token must be a non-empty string of visible ASCII characters (no spaces)",
      );
    }
    this.#value = value;
  }

  /**
   * Returns `value` as a Token (a Token is returned as is).
   *
   * @param value A token or its raw string.
   * @returns The Token.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Token } from "./token.ts";
   * assert.ok(Token.from("abcdefghij0123456789").isLegacy());
   * ```
   */
  static from(value: Token | string): Token {
    return value instanceof Token ? value : new Token(value);
  }

  /** The raw token, to send in `X-Plex-Token`. It is a secret. */
  get value(): string {
    return this.#value;
  }

  /**
   * Whether the token is a JWT (three dot-separated parts with a JSON header).
   * True even when the JWT has expired.
   *
   * @returns `true` for a JWT.
   */
  isJwt(): boolean {
    return this.claims !== undefined;
  }

  /**
   * Whether the token is a legacy plex.tv token (not a JWT).
   *
   * @returns `true` for a legacy token.
   */
  isLegacy(): boolean {
    return !this.isJwt();
  }

  /** The JWT's claims, decoded without verifying the signature; `undefined` for a legacy token. */
  get claims(): PlexJwtClaims | undefined {
    if (this.#claims === undefined) {
      this.#claims = readClaims(this.#value);
    }
    return this.#claims ?? undefined;
  }

  /**
   * When the JWT expires; `undefined` for a legacy token (valid until revoked) or a JWT without a
   * numeric `exp`. An `exp` beyond the range of `Date` is clamped to its limits, so this is always
   * a valid date.
   */
  get expiresAt(): Date | undefined {
    const exp = this.claims?.exp;
    // Number.isFinite is false for anything but a finite number.
    if (!Number.isFinite(exp)) return undefined;
    return new Date(Math.max(-MAX_DATE_MS, Math.min(MAX_DATE_MS, (exp as number) * 1000)));
  }

  /**
   * Checks the token locally: a legacy token is always accepted; a JWT must
   * have a numeric `exp` in the future. The signature is not verified (see
   * `verifyPlexToken`).
   *
   * @param now The time to check against (default: now).
   * @throws {PlexError} `expired_token` or `invalid_token`; `invalid_argument` for a `now` that is not a
   *   valid `Date` (an expired JWT is never judged against an invalid time).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Token } from "./token.ts";
   * new Token("abcdefghij0123456789").validate();
   * assert.throws(() => new Token("abcdefghij0123456789").validate(new Date(NaN)), { code: "invalid_argument" });
   * ```
   */
  validate(now: Date = new Date()): void {
    // NaN compares false either way: an invalid time would pass any JWT.
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new PlexError("invalid_argument", "now must be a valid Date");
    }
    if (this.isLegacy()) return;
    const expiresAt = this.expiresAt;
    if (expiresAt === undefined) {
      throw new PlexError("invalid_token", "The JWT has no numeric exp claim");
    }
    if (expiresAt.getTime() <= now.getTime()) {
      // The time it was judged at is named: a machine whose clock is wrong shows it here.
      throw new PlexError(
        "expired_token",
        `The JWT expired at ${expiresAt.toISOString()} (checked at ${now.toISOString()})`,
        {
          hint: "Refresh the token or sign in again",
        },
      );
    }
  }

  /**
   * Like {@linkcode Token.validate}, as a boolean.
   *
   * @param now The time to check against (default: now).
   * @returns `true` when `validate` would not throw.
   */
  isValid(now: Date = new Date()): boolean {
    try {
      this.validate(now);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A description without the secret, e.g. `Token(jwt, expires 2026-12-04T10:00:00.000Z)`.
   *
   * @returns The redacted description.
   */
  toString(): string {
    if (this.isLegacy()) return "Token(legacy, ***)";
    const exp = this.expiresAt;
    return `Token(jwt, ***, ${exp ? `expires ${exp.toISOString()}` : "no expiry"})`;
  }

  /**
   * The redacted description, so `JSON.stringify` never leaks the token.
   *
   * @returns The same text as `toString()`.
   */
  toJSON(): string {
    return this.toString();
  }

  /** Node and Bun `util.inspect` / `console.log` output: the redacted description. */
  [INSPECT_NODE](): string {
    return this.toString();
  }

  /** Deno `console.log` output: the redacted description. */
  [INSPECT_DENO](): string {
    return this.toString();
  }
}

/** A compact JWS's payload when its header and payload are JSON objects; `null` otherwise. */
function readClaims(value: string): PlexJwtClaims | null {
  const parts = value.split(".");
  if (parts.length !== 3) return null;
  const json = (segment: string): unknown => {
    try {
      return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(decodeBase64Url(segment)));
    } catch {
      return undefined;
    }
  };
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null && !Array.isArray(x);
  const header = json(parts[0]!);
  const claims = json(parts[1]!);
  return isObject(header) && isObject(claims) ? claims as PlexJwtClaims : null;
}
