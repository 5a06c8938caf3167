/**
 * Field validators for values as plex.tv writes them in XML attributes (and
 * in some JSON documents): flags (`1`/`0`), comma-separated lists, decimal
 * strings, and attributes that must be there. Apart from `fields.ts`, so that
 * an endpoint that reads none of them (the account) does not load them.
 *
 * @module
 */
import { fail, type Validator, wrong } from "./validate.ts";

/**
 * Accepts a boolean (also `1`/`0`, and `"1"`/`"0"`/`"true"`/`"false"` as
 * XML writes them); a missing or empty value is `false`.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The boolean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flag } from "./attribute_values.ts";
 * assert.ok(flag("1", "owned") === true && flag(undefined, "relay") === false);
 * ```
 */
export function flag(value: unknown, path: string): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (typeof value === "boolean") return value;
  if (value === 1 || value === "1" || value === "true") return true;
  if (value === 0 || value === "0" || value === "false") return false;
  return fail(path, "a boolean", value);
}

/**
 * Accepts a comma-separated list (`"server"`, `"client,player"`) and returns
 * its trimmed, non-empty items; missing or empty gives `[]`.
 *
 * @param value The value.
 * @param path Its path.
 * @returns The items.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commaList } from "./attribute_values.ts";
 * assert.equal(commaList("client, player", "provides").join("|"), "client|player");
 * ```
 */
export function commaList(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "string") return fail(path, "a comma-separated string", value);
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}

/**
 * Accepts a number, also written as a decimal string (XML attributes).
 *
 * @param value The value.
 * @param path Its path.
 * @returns The number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decimal } from "./attribute_values.ts";
 * assert.equal(decimal("2.5", "screenDensity"), 2.5);
 * ```
 */
export function decimal(value: unknown, path: string): number {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)
    ? Number(value)
    : NaN;
  return Number.isFinite(n) ? n : fail(path, "a number", value);
}

/**
 * Makes a validator that reports a missing field as missing, whatever it
 * would say otherwise; used for required XML attributes.
 *
 * @param inner The validator of a present value.
 * @returns A validator that rejects `undefined` first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { required } from "./attribute_values.ts";
 * import { string } from "./validate.ts";
 * assert.equal(required(string)("x", "name"), "x");
 * ```
 */
export function required<T>(inner: Validator<T>): Validator<T> {
  return (
    value,
    path,
    owned,
  ) => (value === undefined ? wrong(path, "is missing") : inner(value, path, owned));
}
