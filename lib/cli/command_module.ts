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
 */
export interface CommandSpec extends CommandInfo {
  /** Imports the command's module. */
  load(): Promise<CommandModule>;
}
