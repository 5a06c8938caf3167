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

/**
 * Refuses an option name that `known` does not list: from JavaScript a misspelt option (`timeoutMS`,
 * `thumbPrint`) would otherwise be dropped, and the check or setting it meant with it.
 *
 * @param options The options as given (an object).
 * @param known Every option they may have.
 * @param what What takes them, for the message (`This call`, `withJwt`).
 * @throws {PlexError} `invalid_argument` naming the first unknown option, the known ones in its hint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptionNames } from "./options.ts";
 * checkOptionNames({ lockTtlMs: 5_000 }, ["lockTtlMs", "refreshMarginMs"], "withJwt");
 * assert.throws(() => checkOptionNames({ refreshMargin: 1 }, ["lockTtlMs", "refreshMarginMs"], "withJwt"), {
 *   message: "withJwt has no option refreshMargin",
 * });
 * ```
 */
export function checkOptionNames(options: object, known: readonly string[], what: string): void {
  const unknown = Object.keys(options).find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new PlexError("invalid_argument", `${what} has no option ${unknown}`, {
      hint: `Its options are ${known.join(", ")}`,
    });
  }
}
