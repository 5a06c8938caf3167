/**
 * Data made safe for `--json`: tokens and secrets removed, dates as ISO
 * strings. `--json` output must be pipeable into logs and tickets.
 *
 * @module
 */
import { Token } from "../token.ts";

const _SECRET_KEYS = new Set([
  "authToken",
  "accessToken",
  "token",
  "secret",
  "auth_token",
  "authenticationToken",
]);

/**
 * A copy of `value` without secrets: every {@linkcode Token} and every
 * string under a secret-looking key (`authToken`, `accessToken`, `token`,
 * `secret`) is left out; dates become ISO strings.
 *
 * @param value Any data from the client.
 * @returns Plain JSON data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publicJson } from "./public_json.ts";
 * import { Token } from "../token.ts";
 * const safe = publicJson({ username: "me", authToken: new Token("abcdefghij0123456789"), joinedAt: new Date(0) });
 * assert.equal(JSON.stringify(safe), '{"username":"me","joinedAt":"1970-01-01T00:00:00.000Z"}');
 * ```
 */
export function publicJson(value: unknown): unknown {
  if (value instanceof Token) return undefined;
  if (value instanceof Date) return isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((item) => publicJson(item) ?? null);
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (_SECRET_KEYS.has(key) && (typeof item === "string" || item instanceof Token)) continue;
      const clean = publicJson(item);
      if (clean !== undefined) copy[key] = clean;
    }
    return copy;
  }
  return value;
}

/**
 * A date for people: `2026-12-04 10:00 UTC`, or `-`.
 *
 * @param date The date.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shortDate } from "./public_json.ts";
 * assert.equal(shortDate(new Date("2026-12-04T10:00:00Z")), "2026-12-04 10:00 UTC");
 * ```
 */
export function shortDate(date: Date | null | undefined): string {
  if (!date || isNaN(date.getTime())) return "-";
  return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/**
 * A duration from now for people: `in 6 days`, `in 3 h`, `5 min ago`.
 *
 * @param date The moment.
 * @param now The current time.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relative } from "./public_json.ts";
 * assert.equal(relative(new Date(2 * 86_400_000 + 1000), new Date(0)), "in 2 days");
 * ```
 */
export function relative(date: Date, now: Date = new Date()): string {
  const ms = date.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const [n, unit] = abs >= 2 * 86_400_000
    ? [Math.floor(abs / 86_400_000), "days"]
    : abs >= 2 * 3_600_000
    ? [Math.floor(abs / 3_600_000), "h"]
    : [Math.max(1, Math.floor(abs / 60_000)), "min"];
  return ms >= 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}
