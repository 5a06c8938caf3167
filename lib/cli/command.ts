/**
 * What the command line knows of a command before its module is loaded: its
 * name, summary, synopsis, options and argument count (for parsing, help and
 * completion), and the option readers.
 *
 * @module
 */
import { usageError } from "./exit.ts";

/**
 * One option of a command, for the command-line parser, the help text and shell completion.
 */
export interface OptionSpec {
  /** A flag (`boolean`) or an option with a value (`string`). */
  type: "boolean" | "string";
  /** A one-letter alias. */
  short?: string;
  /** Whether it may be given more than once. */
  multiple?: boolean;
  /** The value's placeholder in the help text, e.g. `URI`. */
  value?: string;
  /** One line of help. */
  help: string;
}

/**
 * The parsed command line of one command.
 */
export interface ParsedArgs {
  /** Option values by long name. */
  values: Record<string, string | boolean | string[] | undefined>;
  /** The arguments after the command's name. */
  positionals: string[];
}

/**
 * A command as the command line knows it: enough to parse its options, list
 * it in `plextv help` and complete it in a shell.
 */
export interface CommandInfo {
  /** The name, one or two words (`login`, `home users`). */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The synopsis, e.g. `plextv connect SERVER [--timeout MS]`. */
  usage: string;
  /** The command's own options (the global ones come on top). */
  options: Record<string, OptionSpec>;
  /** How many arguments it takes. Default none. */
  args?: { min: number; max: number };
  /** The words its first argument can be, for shell completion (`webhooks`: `add`, `remove`). */
  words?: readonly string[];
}

/**
 * Reads a string option, or `undefined`.
 *
 * @param args The parsed arguments.
 * @param name The option's long name.
 * @returns The value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stringOption } from "./command.ts";
 * assert.equal(stringOption({ values: { username: "me" }, positionals: [] }, "username"), "me");
 * ```
 */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * Reads a whole-number option, or `undefined` when it is not given.
 *
 * @param args The parsed arguments.
 * @param name The option's long name.
 * @param min The least value.
 * @param max The greatest value.
 * @returns The value.
 * @throws {CliError} exit 2 naming the option when the value is not a whole number from `min` to `max`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integerOption } from "./command.ts";
 * assert.equal(integerOption({ values: { port: "8080" }, positionals: [] }, "port", 0, 65535), 8080);
 * assert.throws(() => integerOption({ values: { port: "http" }, positionals: [] }, "port", 0, 65535), { exitCode: 2 });
 * ```
 */
export function integerOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw usageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * Reads a flag.
 *
 * @param args The parsed arguments.
 * @param name The flag's long name.
 * @returns Whether it was given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagOption } from "./command.ts";
 * assert.ok(flagOption({ values: { jwt: true }, positionals: [] }, "jwt"));
 * ```
 */
export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
