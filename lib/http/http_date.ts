/**
 * HTTP dates (RFC 9110 §5.6.7) in the three forms a recipient must read:
 * IMF-fixdate, RFC 850 and asctime. Read by the plex.tv clock (the `Date`
 * header) and by `Retry-After`.
 *
 * @module
 */

const DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, "i");
/** `Sunday, 06-Nov-94 08:49:37 GMT` */
const RFC_850 = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, "i");
/** `Sun Nov  6 08:49:37 1994` */
const ASCTIME = new RegExp(`^${DAYS} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, "i");

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
 * import { parseHttpDate } from "./http_date.ts";
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
