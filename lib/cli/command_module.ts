/**
 * What a command's module provides: its longer help (description and
 * examples) and what it runs, given the {@linkcode Factory}.
 *
 * @module
 */
import type { CommandInfo, ParsedArgs } from "./command.ts";
import type { Factory } from "./factory.ts";

/**
 * The part of a command that lives in its own module.
 *
 * @example
 * ```ts
 * import type { CommandModule } from "./command_module.ts";
 * const hello: CommandModule = {
 *   examples: [["plextv hello", "say hello"]],
 *   run: (f) => { f.out.info("hello"); return Promise.resolve(0); },
 * };
 * ```
 */
export interface CommandModule {
  /** Paragraphs that explain the command. */
  description?: string;
  /** Example command lines with a comment each (at least one). */
  examples: [string, string][];
  /** Runs it and returns the exit code. */
  run(f: Factory, args: ParsedArgs): Promise<number>;
}

/**
 * A command in the table: what the command line knows, and how to load its module.
 *
 * @example
 * ```ts
 * import type { CommandSpec } from "./command_module.ts";
 * const hello: CommandSpec = {
 *   name: "hello", summary: "Say hello", usage: "plextv hello", options: {},
 *   load: () => Promise.resolve({ examples: [["plextv hello", "say hello"]], run: () => Promise.resolve(0) }),
 * };
 * ```
 */
export interface CommandSpec extends CommandInfo {
  /** Imports the command's module. */
  load(): Promise<CommandModule>;
}
