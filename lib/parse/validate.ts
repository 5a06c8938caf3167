/**
 * Small, typed validators for plex.tv responses. Unknown fields are kept
 * (passthrough); a wrong type fails with the field's path, e.g.
 * `subscription.features[3] should be a string, got number`.
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/**
 * A validator: returns the value (possibly converted, e.g. to a `Date`) or
 * throws `invalid_response` naming the path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { object, string, type Validator } from "./validate.ts";
 * const nonce: Validator<{ nonce: string }> = object({ nonce: string });
 * assert.equal(nonce({ nonce: "n" }, "").nonce, "n");
 * ```
 */
export type Validator<T> = (value: unknown, path: string, writes?: Writes) => T;

/**
 * The undo log of {@linkcode parseOwned}: when it is given, containers validate in place (no copy)
 * and record each value they replace as `target, key, old value, whether the key was there`, so a
 * failed pass can be undone. A validator that does not pass it on just copies, as without it.
 */
export type Writes = unknown[];

/**
 * The path given in {@linkcode parse}'s first pass: containers build no child
 * paths for it. Validation is pure, so only when that pass fails is it run
 * again with real paths, for the message.
 */
const UNNAMED = "\u0000";

/**
 * Throws the `invalid_response` of a value that is not what a validator expects.
 *
 * @param path Where the value is (empty for the whole response).
 * @param expected What it should be, e.g. `a string`.
 * @param value The value found (only its kind is named, never its content).
 * @returns Never.
 * @throws {PlexError} `invalid_response`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fail } from "./validate.ts";
 * assert.throws(() => fail("user.id", "an integer", "12"), { message: "user.id should be an integer, got string" });
 * ```
 */
export function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  throw new PlexError("invalid_response", `${path || "the response"} should be ${expected}, got ${got}`);
}

/**
 * Accepts a string.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { string } from "./validate.ts";
 * assert.equal(string("x", "name"), "x");
 * ```
 */
export function string(value: unknown, path: string): string {
  return typeof value === "string" ? value : fail(path, "a string", value);
}

/**
 * Accepts a finite number.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { number } from "./validate.ts";
 * assert.equal(number(3, "id"), 3);
 * ```
 */
export function number(value: unknown, path: string): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fail(path, "a number", value);
}

/**
 * Accepts a boolean, and the XML forms `"1"`/`"0"`/`"true"`/`"false"`.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The boolean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { boolean } from "./validate.ts";
 * assert.equal(boolean("1", "owned"), true);
 * ```
 */
export function boolean(value: unknown, path: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  return fail(path, "a boolean", value);
}

/**
 * Accepts an ISO-8601 date string and returns a `Date`.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The date.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isoDate } from "./validate.ts";
 * assert.equal(isoDate("2019-03-16T15:20:12Z", "subscribedAt").getUTCFullYear(), 2019);
 * ```
 */
export function isoDate(value: unknown, path: string): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : fail(path, "an ISO-8601 date", value);
}

/**
 * Accepts unix seconds (a number or a digit string) and returns a `Date`.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The date.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unixSeconds } from "./validate.ts";
 * assert.equal(unixSeconds("1633194400", "createdAt").getUTCFullYear(), 2021);
 * ```
 */
export function unixSeconds(value: unknown, path: string): Date {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && /^\d+$/.test(value)
    ? Number(value)
    : NaN;
  return Number.isFinite(n) ? new Date(n * 1000) : fail(path, "unix seconds", value);
}

/**
 * Accepts an integer, also written as a digit string (XML attributes).
 *
 * @param value The value.
 * @param path Its path.
 * @returns The integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integer } from "./validate.ts";
 * assert.equal(integer("42", "id"), 42);
 * ```
 */
export function integer(value: unknown, path: string): number {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && /^-?\d+$/.test(value)
    ? Number(value)
    : NaN;
  return Number.isSafeInteger(n) ? n : fail(path, "an integer", value);
}

/**
 * Accepts exactly one string value.
 *
 * @param expected The only accepted value.
 * @returns A validator of that value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { literal } from "./validate.ts";
 * assert.equal(literal("OKP")("OKP", "kty"), "OKP");
 * ```
 */
export function literal<T extends string>(expected: T): Validator<T> {
  return (value, path) => (value === expected ? expected : fail(path, JSON.stringify(expected), value));
}

/**
 * Accepts anything, unchanged.
 *
 * @param value The value.
 * @returns The value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unknownValue } from "./validate.ts";
 * assert.equal(unknownValue(5), 5);
 * ```
 */
export function unknownValue(value: unknown): unknown {
  return value;
}

/**
 * Accepts `null` as well (also `undefined`, which becomes `null`).
 *
 * @param inner The validator for non-null values.
 * @returns A validator of `T | null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nullable, string } from "./validate.ts";
 * assert.equal(nullable(string)(null, "authToken"), null);
 * ```
 */
export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (value, path, writes) => (value === null || value === undefined ? null : inner(value, path, writes));
}

/**
 * Accepts a missing field (`undefined`); `null` and empty strings count as missing too.
 *
 * @param inner The validator for present values.
 * @returns A validator of `T | undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optional, unixSeconds } from "./validate.ts";
 * assert.equal(optional(unixSeconds)("", "lastSeenAt"), undefined);
 * ```
 */
export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (
    value,
    path,
    writes,
  ) => (value === undefined || value === null || value === "" ? undefined : inner(value, path, writes));
}

/**
 * Accepts an array whose items all pass `item`.
 *
 * @param item The item validator.
 * @returns A validator of `T[]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { array, string } from "./validate.ts";
 * assert.equal(array(string)(["a"], "features").length, 1);
 * ```
 */
export function array<T>(item: Validator<T>): Validator<T[]> {
  return (value, path, writes) => {
    if (!Array.isArray(value)) return fail(path, "an array", value);
    if (writes) {
      for (let i = 0; i < value.length; i++) {
        const old: unknown = value[i];
        const result = item(old, path === UNNAMED ? path : `${path}[${i}]`, writes);
        if (result !== old) {
          writes.push(value, i, old, true);
          value[i] = result;
        }
      }
      return value as T[];
    }
    const out = new Array<T>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = item(value[i], path === UNNAMED ? path : `${path}[${i}]`);
    return out;
  };
}

/** The validators of an object's known fields. */
export type Shape<T> = { [K in keyof T]-?: Validator<T[K]> };

/**
 * Accepts an object: known fields are validated (and converted), unknown
 * fields are kept as they are.
 *
 * @param shape A validator per known field.
 * @returns A validator of `T` (with the unknown fields kept).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { number, object, string } from "./validate.ts";
 * const pin = object<{ id: number; code: string }>({ id: number, code: string });
 * const value = pin({ id: 1, code: "ABCD", extra: true }, "") as { id: number; extra?: boolean };
 * assert.ok(value.id === 1 && value.extra === true);
 * ```
 */
export function object<T extends object>(shape: Shape<T>): Validator<T> {
  // Compiled once: the checked keys and their validators, in the shape's order.
  const keys = Object.keys(shape);
  const validators = Object.values(shape) as Validator<unknown>[];
  return (value, path, writes) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return fail(path, "an object", value);
    }
    const input = value as Record<string, unknown>;
    // In place when the caller owns the value (parseOwned), else on a copy.
    const out: Record<string, unknown> = writes ? input : { ...input };
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const old = input[key];
      const result = validators[i]!(old, path === UNNAMED ? path : path ? `${path}.${key}` : key, writes);
      if (result !== undefined) {
        if (writes) {
          // A value kept as it is stays where it is (a JSON document has no inherited fields).
          if (result === old) continue;
          writes.push(input, key, old, old !== undefined || Object.hasOwn(input, key));
        }
        out[key] = result;
      } else if (Object.hasOwn(out, key)) {
        writes?.push(input, key, old, true);
        delete out[key];
      }
    }
    return out as T;
  };
}

/**
 * Runs a validator on a whole response value, with an empty root path. The
 * first pass builds no field paths (they cost more than the checks); a value
 * that fails is checked again with them, so the error names the field.
 *
 * @param validator The validator.
 * @param value The parsed response.
 * @returns The validated value.
 * @throws {PlexError} `invalid_response` naming the first wrong field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { object, parse, string } from "./validate.ts";
 * assert.equal(parse(object({ nonce: string }), { nonce: "n" }).nonce, "n");
 * ```
 */
export function parse<T>(validator: Validator<T>, value: unknown): T {
  try {
    return validator(value, UNNAMED);
  } catch {
    return validator(value, "");
  }
}

/**
 * {@linkcode parse} for a value nobody else holds (just parsed from a response body): it is
 * validated and converted in place instead of copied. A value that fails gets its fields back
 * (every replaced or dropped field restored to its value; a dropped one comes back after the
 * others), then is checked again with field paths, so the error is the same as {@linkcode parse}'s.
 *
 * @param validator The validator.
 * @param value The freshly parsed response; it becomes the result.
 * @returns The validated value.
 * @throws {PlexError} `invalid_response` naming the first wrong field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { array, integer, object, parseOwned, string } from "./validate.ts";
 * const doc = JSON.parse('{"id":"7","tags":["a"]}');
 * assert.equal(parseOwned(object({ id: integer, tags: array(string) }), doc), doc);
 * assert.equal(doc.id, 7);
 * const bad = JSON.parse('{"id":"7","tags":[1]}');
 * assert.throws(() => parseOwned(object({ id: integer, tags: array(string) }), bad), {
 *   message: "tags[0] should be a string, got number",
 * });
 * assert.equal(bad.id, "7");
 * ```
 */
export function parseOwned<T>(validator: Validator<T>, value: unknown): T {
  const writes: Writes = [];
  try {
    return validator(value, UNNAMED, writes);
  } catch {
    for (let i = writes.length - 4; i >= 0; i -= 4) {
      const target = writes[i] as Record<PropertyKey, unknown>;
      const key = writes[i + 1] as PropertyKey;
      if (writes[i + 3]) target[key] = writes[i + 2];
      else delete target[key];
    }
    return validator(value, "");
  }
}
