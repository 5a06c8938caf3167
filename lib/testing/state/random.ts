/**
 * Random values for the emulator's state: tokens, PIN codes and ids.
 *
 * @module
 */

/** The characters of a legacy token (20 of them). */
export const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/**
 * A random string.
 *
 * @param length The length.
 * @param alphabet The characters to use.
 * @returns The string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomString } from "./random.ts";
 * assert.match(randomString(4, "AB"), /^[AB]{4}$/);
 * ```
 */
export function randomString(length: number, alphabet: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/**
 * A random whole number in `[min, max)`.
 *
 * @param min The smallest value.
 * @param max One above the largest value.
 * @returns The number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomInt } from "./random.ts";
 * const n = randomInt(10, 20);
 * assert.ok(n >= 10 && n < 20);
 * ```
 */
export function randomInt(min: number, max: number): number {
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  return min + (value! % (max - min));
}
