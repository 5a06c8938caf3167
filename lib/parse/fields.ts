/**
 * Field validators shared by the plex.tv response types: secrets wrapped in
 * {@linkcode Token} (so printing a device or a resource never shows them),
 * timestamps in any of Plex's three forms, and lists that may be missing.
 * The forms only XML attributes use are in `attribute_values.ts`, so that
 * the account's check does not load them.
 *
 * @module
 */
import { Token } from "../token.ts";
import { array, fail, type Validator, wrong } from "./validate.ts";

/**
 * Accepts a secret string (a device token, a server access token) and wraps it
 * in a {@linkcode Token}, whose `toString`, `toJSON` and console output are
 * redacted. A missing, `null` or empty value gives `undefined`.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The secret as a Token, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { secret } from "./fields.ts";
 * const token = secret("abcdefghij0123456789", "accessToken");
 * assert.ok(token?.value === "abcdefghij0123456789" && !JSON.stringify({ token }).includes("abcdef"));
 * ```
 */
export function secret(value: unknown, path: string): Token | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return fail(path, "a string", value);
  try {
    return new Token(value);
  } catch {
    return wrong(path, "should be printable ASCII without spaces");
  }
}

/**
 * Like {@linkcode secret}, but the secret must be there.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The secret as a Token.
 * @throws {PlexError} `invalid_response` when it is missing or empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requiredSecret } from "./fields.ts";
 * assert.ok(requiredSecret("abcdefghij0123456789", "authToken").isLegacy());
 * ```
 */
export function requiredSecret(value: unknown, path: string): Token {
  return secret(value, path) ?? fail(path, "a token", value);
}

/**
 * Like {@linkcode secret}, but keeps `null` (and a missing value) as `null`.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The secret as a Token, or `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nullableSecret } from "./fields.ts";
 * assert.equal(nullableSecret(null, "services[0].secret"), null);
 * ```
 */
export function nullableSecret(value: unknown, path: string): Token | null {
  return secret(value, path) ?? null;
}

/** ISO-8601 with a date, a time and a zone (`Z` or an offset): a time without a zone would be read in the local one. */
const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * Accepts a timestamp in any form plex.tv uses: ISO-8601 (`2024-09-05T03:15:45Z`),
 * unix seconds (a number or a digit string, as in XML attributes) or
 * `2023-03-24 00:00:00 UTC` (XML accounts), and returns a `Date`. Any other text (a date
 * without a time, a time without a zone, `Date`'s other forms) is refused: its meaning would
 * depend on the engine and the local time zone.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The date.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timestamp } from "./fields.ts";
 * assert.equal(timestamp("1633194400", "createdAt").getTime(), timestamp("2021-10-02T17:06:40Z", "x").getTime());
 * assert.throws(() => timestamp("Oct 2 2021", "createdAt"), { message: "createdAt should be a timestamp, got string" });
 * ```
 */
export function timestamp(value: unknown, path: string): Date {
  const text = typeof value === "string" ? value : "";
  // The spaced UTC form, written as ISO-8601, then checked as ISO-8601 is.
  const iso = text.replace(" UTC", "Z").replace(" ", "T");
  const date = typeof value === "number" || /^\d+$/.test(text)
    ? new Date(Number(value) * 1000)
    : ISO_WITH_ZONE.test(iso)
    ? new Date(iso)
    : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : fail(path, "a timestamp", value);
}

/**
 * Accepts an array whose items all pass `item`; a missing or `null` list is `[]`.
 *
 * @param item The item validator.
 * @returns A validator of `T[]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { list } from "./fields.ts";
 * import { string } from "./validate.ts";
 * assert.equal(list(string)(undefined, "connections").length, 0);
 * ```
 */
export function list<T>(item: Validator<T>): Validator<T[]> {
  const validate = array(item);
  return (
    value,
    path,
    owned,
  ) => (value === undefined || value === null ? [] : validate(value, path, owned));
}
