/**
 * `Retry-After` (RFC 9110 §10.2.3): delay seconds or an HTTP date, read
 * strictly so that a garbage value never turns into a surprise delay.
 *
 * @module
 */

const DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, "i");
/** `Sunday, 06-Nov-94 08:49:37 GMT` */
const RFC_850 = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, "i");
/** `Sun Nov  6 08:49:37 1994` */
const ASCTIME = new RegExp(`^${DAYS} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, "i");

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

/**
 * Parses an HTTP date in any of the three forms of RFC 9110 (IMF-fixdate, RFC 850, asctime).
 *
 * @param text The date, trimmed.
 * @param now The current time in ms, for the century of an RFC 850 two-digit year.
 * @returns Milliseconds since the epoch, or `undefined` when unreadable or impossible.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHttpDate } from "./retry_after.ts";
 * assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", Date.now()), Date.UTC(1994, 10, 6, 8, 49, 37));
 * ```
 */
export function parseHttpDate(text: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = RFC_850.exec(text);
  if (m) {
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const yy = Number(m[3]);
    const thisYear = new Date(now).getUTCFullYear();
    const year = 2000 + yy > thisYear + 50 ? 1900 + yy : 2000 + yy;
    return utc(year, m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  }
  m = ASCTIME.exec(text);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!);
  return undefined;
}

function utc(year: number, month: string, day: number, h: string, m: string, s: string): number | undefined {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const [hours, minutes, seconds] = [Number(h), Number(m), Number(s)];
  if (day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const time = Date.UTC(year, monthIndex, day, hours, minutes, Math.min(seconds, 59));
  // Reject dates that roll over (31 Feb → 3 Mar).
  return new Date(time).getUTCDate() === day ? time : undefined;
}
