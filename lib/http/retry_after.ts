/**
 * `Retry-After` (RFC 9110 §10.2.3): delay seconds or an HTTP date, read
 * strictly so that a garbage value never turns into a surprise delay.
 *
 * @module
 */

import { parseHttpDate } from "./http_date.ts";

/**
 * Parses a `Retry-After` value — delay seconds (`120`) or an HTTP date in any
 * of the three forms of RFC 9110 — into milliseconds from `now`.
 *
 * Anything else (negative or fractional numbers, free text, impossible dates)
 * is unreadable and gives `undefined`, so the caller falls back to its own
 * backoff. A date in the past gives `0`; huge values are capped at
 * `Number.MAX_SAFE_INTEGER` milliseconds, so the result is always finite.
 *
 * @param value The header value (`null` when the header is absent).
 * @param now The current time in milliseconds, for HTTP dates.
 * @returns Milliseconds to wait, or `undefined` when absent or unreadable.
 *
 * @example Seconds and HTTP dates
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRetryAfter } from "./retry_after.ts";
 * assert.equal(parseRetryAfter("3"), 3000);
 * const now = Date.UTC(2025, 0, 1, 12, 0, 0);
 * assert.equal(parseRetryAfter("Wed, 01 Jan 2025 12:00:10 GMT", now), 10_000);
 * assert.ok(parseRetryAfter("-1") === undefined && parseRetryAfter("soon") === undefined);
 * ```
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, Number.MAX_SAFE_INTEGER);
  const date = parseHttpDate(text, now);
  return date === undefined ? undefined : Math.min(Math.max(0, date - now), Number.MAX_SAFE_INTEGER);
}
