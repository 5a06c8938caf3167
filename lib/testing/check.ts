/**
 * Checks of what a test hands the emulator (its options, faults, accounts,
 * the claims of tokens it issues), which JavaScript callers can get wrong
 * whatever the types say: an unusable value, a missing field and an unknown
 * name are refused with `PlexError` `invalid_argument` naming the field. An
 * unknown name is refused rather than ignored: a misspelt option would
 * quietly test something else.
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/**
 * What a field may hold: a test, the words that finish "… must be", and whether it must be given.
 *
 * @example
 * ```ts
 * import type { FieldRule } from "./check.ts";
 * const port: FieldRule = { is: (v) => Number.isInteger(v), must: "a whole number" };
 * ```
 */
export interface FieldRule {
  /** Whether a given (not `undefined`) value is usable. */
  readonly is: (value: unknown) => boolean;
  /** What it must be, e.g. `"a positive number"`. */
  readonly must: string;
  /** Whether `undefined` is refused too. */
  readonly required?: boolean;
}

/**
 * Tests for {@linkcode FieldRule.is}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { is } from "./check.ts";
 * assert.ok(is.whole(0, 65535)(8080) && !is.whole(0, 65535)(-1) && !is.whole(0)(Number.NaN));
 * assert.ok(is.listOf(is.string)(["a"]) && !is.listOf(is.string)("a"));
 * ```
 */
export const is = {
  string: (value: unknown): boolean => typeof value === "string",
  text: (value: unknown): boolean => typeof value === "string" && value !== "",
  boolean: (value: unknown): boolean => typeof value === "boolean",
  function: (value: unknown): boolean => typeof value === "function",
  object: (value: unknown): boolean => typeof value === "object" && value !== null && !Array.isArray(value),
  finite: (value: unknown): boolean => typeof value === "number" && Number.isFinite(value),
  positive: (value: unknown): boolean => typeof value === "number" && Number.isFinite(value) && value > 0,
  whole: (min: number, max = Number.MAX_SAFE_INTEGER) => (value: unknown): boolean =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
  oneOf: (...values: unknown[]) => (value: unknown): boolean => values.includes(value),
  either: (...tests: ((value: unknown) => boolean)[]) => (value: unknown): boolean =>
    tests.some((t) => t(value)),
  listOf: (test: (value: unknown) => boolean) => (value: unknown): boolean =>
    Array.isArray(value) && value.every(test),
};

/**
 * A `PlexError` `invalid_argument`.
 *
 * @param message One sentence naming the option or field.
 * @returns The error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { invalid } from "./check.ts";
 * assert.equal(invalid("The fault field times must be positive").code, "invalid_argument");
 * ```
 */
export function invalid(message: string): PlexError {
  return new PlexError("invalid_argument", message);
}

/**
 * Refuses an object whose fields break their rules, or that has a field no rule names.
 *
 * @param value The object as given.
 * @param rules The rule of each field it may have.
 * @param label What its fields are called in errors, e.g. `"emulator option"`.
 * @throws {PlexError} `invalid_argument` naming the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFields, is } from "./check.ts";
 * const rules = { ms: { is: is.finite, must: "a number of ms", required: true } };
 * checkFields({ ms: 5 }, rules, "delay field");
 * assert.throws(() => checkFields({ ms: "5" }, rules, "delay field"), /The delay field ms must be a number of ms/);
 * assert.throws(() => checkFields({ ms: 5, mss: 5 }, rules, "delay field"), /Unknown delay field mss \(known: ms\)/);
 * assert.throws(() => checkFields({}, rules, "delay field"), /The delay field ms is required/);
 * ```
 */
export function checkFields(value: unknown, rules: Readonly<Record<string, FieldRule>>, label: string): void {
  if (!is.object(value)) throw invalid(`Expected an object of ${label}s`);
  const fields = value as Record<string, unknown>;
  // A wrong value first (a bad `kind` explains the rest), then an unknown name (a typo explains a missing field).
  for (const [name, rule] of Object.entries(rules)) {
    if (fields[name] !== undefined && !rule.is(fields[name])) {
      throw invalid(`The ${label} ${name} must be ${rule.must}`);
    }
  }
  for (const name of Object.keys(fields)) {
    if (!Object.hasOwn(rules, name)) {
      throw invalid(`Unknown ${label} ${name} (known: ${Object.keys(rules).join(", ")})`);
    }
  }
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.required && fields[name] === undefined) throw invalid(`The ${label} ${name} is required`);
  }
}
