/**
 * When a JWT is due for a refresh: the one rule a token source and the CLI's
 * `token` command (which prints a fresh stored token without building a
 * source) judge by. Pure, so either can load it alone.
 *
 * @module
 */
import type { Token } from "../token.ts";

/**
 * How long before its expiry a JWT is refreshed by default: one day of its
 * seven.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_REFRESH_MARGIN_MS } from "./freshness.ts";
 * assert.equal(DEFAULT_REFRESH_MARGIN_MS, 86_400_000);
 * ```
 */
export const DEFAULT_REFRESH_MARGIN_MS = 24 * 60 * 60 * 1000;

/** How far after the judging clock's time a JWT may have been issued and still be judged by it. */
const FUTURE_ISSUE_ALLOWANCE_MS = 60_000;

/**
 * Whether a JWT can be handed out at `now` without a refresh: before its
 * expiry less the margin, a margin of at most half the JWT's lifetime (so a
 * short-lived JWT is still reused). A token without an expiry is not, nor
 * one issued more than a minute after `now`: the clock `now` comes from is
 * behind plex.tv's by at least that much, so how much of the JWT's life is
 * left cannot be told (a token source's refresh asks plex.tv's time first,
 * and keeps the JWT when that time finds it fresh).
 *
 * @param token The JWT.
 * @param now The time to judge at, in milliseconds (plex.tv's clock where it is known).
 * @param marginMs The refresh margin.
 * @returns `true` when no refresh is due.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jwtIsFresh } from "./freshness.ts";
 * import { Token } from "../token.ts";
 * const claims = btoa(JSON.stringify({ iat: 0, exp: 7 * 86_400 })).replace(/=+$/, "");
 * const jwt = new Token(`eyJhbGciOiJFZERTQSJ9.${claims}.c2ln`);
 * assert.equal(jwtIsFresh(jwt, 5 * 86_400_000, 86_400_000), true);
 * assert.equal(jwtIsFresh(jwt, 6.5 * 86_400_000, 86_400_000), false);
 * assert.equal(jwtIsFresh(jwt, -8 * 86_400_000, 86_400_000), false); // judged on a clock 8 days behind
 * ```
 */
export function jwtIsFresh(token: Token, now: number, marginMs: number): boolean {
  const expiresAt = token.expiresAt?.getTime();
  if (expiresAt === undefined) return false;
  const issuedAt = token.claims?.iat;
  if (typeof issuedAt === "number" && issuedAt * 1000 > now + FUTURE_ISSUE_ALLOWANCE_MS) return false;
  const lifetime = typeof issuedAt === "number" ? expiresAt - issuedAt * 1000 : Infinity;
  return expiresAt - Math.min(marginMs, Math.max(0, lifetime / 2)) > now;
}
