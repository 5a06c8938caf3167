/**
 * Small, typed validators for plex.tv responses. Unknown fields are kept
 * (passthrough); a wrong type fails with the field's path, e.g.
 * `subscription.features[3] should be a string, got number`. A container
 * gives each field only its own key, and puts its own path before the key
 * of a field that failed, as the failure passes through it: a value that
 * passes builds no path at all, and is checked once.
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
export type Validator<T> = (value: unknown, path: string, owned?: boolean) => T;

/** Each failure's path and problem, for the containers it passes through to name the field. */
const problems = new WeakMap<PlexError, [path: string, problem: string]>();

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
  return wrong(path, `should be ${expected}, got ${got}`);
}

/**
 * Throws the `invalid_response` of a value with a problem, which the containers it is in name by
 * its whole path.
 *
 * @param path Where the value is (empty for the whole response).
 * @param problem What is wrong, after the path, e.g. `is missing`.
 * @returns Never.
 * @throws {PlexError} `invalid_response`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { object, parse, wrong } from "./validate.ts";
 * const odd = object({ id: (value, path) => value === 1 ? 1 : wrong(path, "is not 1") });
 * assert.throws(() => parse(object({ pin: odd }), { pin: { id: 2 } }), { message: "pin.id is not 1" });
 * ```
 */
export function wrong(path: string, problem: string): never {
  const error = new PlexError("invalid_response", `${path || "the response"} ${problem}`);
  problems.set(error, [path, problem]);
  throw error;
}

/** Throws a failure from inside a container again, with the container's `path` before its own. */
function within(path: string, err: unknown): never {
  // A WeakMap answers undefined for any other value, an object or not.
  const found = problems.get(err as PlexError);
  if (!found) throw err;
  const [inner, problem] = found;
  return wrong(!inner ? path : !path || inner[0] === "[" ? path + inner : `${path}.${inner}`, problem);
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
  // Number.isFinite is false for anything but a finite number.
  return Number.isFinite(value) ? value as number : fail(path, "a number", value);
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
  return (value, path, owned) => (value === null || value === undefined ? null : inner(value, path, owned));
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
 * import { integer, optional } from "./validate.ts";
 * assert.equal(optional(integer)("", "homeSize"), undefined);
 * assert.equal(optional(integer)("4", "homeSize"), 4);
 * ```
 */
export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (
    value,
    path,
    owned,
  ) => (value === undefined || value === null || value === "" ? undefined : inner(value, path, owned));
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
  return (value, path, owned) => {
    if (!Array.isArray(value)) return fail(path, "an array", value);
    // In place when the caller owns the value (parseOwned), else on a copy.
    const out: unknown[] = owned ? value : new Array(value.length);
    let i = 0;
    try {
      for (; i < value.length; i++) out[i] = item(value[i], "", owned);
    } catch (err) {
      return within(`${path}[${i}]`, err);
    }
    return out as T[];
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
  return (value, path, owned) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return fail(path, "an object", value);
    }
    const input = value as Record<string, unknown>;
    // In place when the caller owns the value (parseOwned), else on a copy.
    const out = owned ? input : { ...input };
    let i = 0;
    try {
      for (; i < keys.length; i++) {
        const key = keys[i]!;
        const old = input[key];
        const result = validators[i]!(old, key, owned);
        // A value kept as it is stays where it is (a JSON document has no inherited fields).
        if (result === undefined) {
          if (Object.hasOwn(out, key)) delete out[key];
        } else if (result !== old) out[key] = result;
      }
    } catch (err) {
      return within(path, err);
    }
    return out as T;
  };
}

/**
 * Runs a validator on a whole response value, with an empty root path.
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
  return validator(value, "");
}

/**
 * {@linkcode parse} for a value nobody else holds (just parsed from a response body): it is
 * validated and converted in place instead of copied. A value that fails is left part-converted:
 * it is to be thrown away with the error, which is {@linkcode parse}'s.
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
 * ```
 */
export function parseOwned<T>(validator: Validator<T>, value: unknown): T {
  return validator(value, "", true);
}
