/**
 * The check of an options object given to a constructor or a plugin from JavaScript. Apart from
 * `options.ts`, which the request path loads: the classes and stores that take such objects load it.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkOptionNames } from "./options.ts";

/**
 * An options object given from JavaScript: anything but an object (`null`, a string) is refused, as is
 * an option name that `known` does not list (see {@linkcode checkOptionNames}).
 * @param options The options as given; `undefined` is none.
 * @param known Every option they may have.
 * @param what What takes them, for the message (`A vault`, `The Redis store`).
 * @returns The options, or `{}` for none.
 * @throws {PlexError} `invalid_argument` for options that are not an object, or an unknown option.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptionsObject } from "./options_object.ts";
 * assert.deepEqual(checkOptionsObject(undefined, ["iterations"], "A vault"), {});
 * assert.throws(() => checkOptionsObject(null as never, ["iterations"], "A vault"), { message: "A vault's options are an object" });
 * assert.throws(() => checkOptionsObject({ iteration: 1 } as never, ["iterations"], "A vault"), { message: "A vault has no option iteration" });
 * ```
 */
export function checkOptionsObject<T extends object>(
  options: T | undefined,
  known: readonly string[],
  what: string,
): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new PlexError("invalid_argument", `${what}'s options are an object`, {
      hint: `Its options are ${known.join(", ")}`,
    });
  }
  checkOptionNames(options, known, what);
  return options;
}
