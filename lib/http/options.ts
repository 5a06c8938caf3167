/**
 * Checks of call options given from JavaScript, where the types are not
 * enforced: a value that is not usable is an `invalid_argument`, never read by
 * its truthiness (`"false"` would turn a switch on).
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/**
 * An optional boolean option: `undefined` gives the default, `true` and `false` themselves.
 *
 * @param value The option as given.
 * @param name Its name, for the error.
 * @param fallback The value when it is not given.
 * @returns The option's value.
 * @throws {PlexError} `invalid_argument` for anything but `true`, `false` or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optionalFlag } from "./options.ts";
 * assert.equal(optionalFlag(undefined, "includeRelay", true), true);
 * assert.equal(optionalFlag(false, "includeRelay", true), false);
 * assert.throws(() => optionalFlag("false", "includeRelay", true), { code: "invalid_argument" });
 * ```
 */
export function optionalFlag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  throw new PlexError("invalid_argument", `${name} must be true or false`);
}
