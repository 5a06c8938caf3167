/**
 * The command line: which command, its options and arguments, and the global
 * options anywhere on the line. Built on `node:util` `parseArgs`, strict:
 * an unknown option or command is a usage error (exit 2).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { CommandInfo, OptionSpec, ParsedArgs } from "./command.ts";
import { usageError } from "./exit.ts";
import { GLOBAL_OPTIONS } from "./globals.ts";

/**
 * What the command line asks for.
 *
 * @example
 * ```ts
 * import type { Invocation } from "./args.ts";
 * function wantsHelp(invocation: Invocation): boolean { return invocation.help; }
 * ```
 */
export interface Invocation<C extends CommandInfo = CommandInfo> {
  /** The command, when one was named. */
  command?: C;
  /** `help` or `--help` (for the command, or the whole tool). */
  help: boolean;
  /** The group named without its sub-command (`plextv home`), for its help. */
  group?: string;
  /** The options (global ones included) and arguments. */
  args: ParsedArgs;
}

type _ParseOptions = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

function _parseOptions(specs: Record<string, OptionSpec>): _ParseOptions {
  const options: _ParseOptions = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type };
    if (spec.short) options[name].short = spec.short;
    if (spec.multiple) options[name].multiple = true;
  }
  return options;
}

/**
 * The groups of two-word commands (`home`, `keys`).
 *
 * @param commands The commands.
 * @returns The first words of two-word command names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandGroups } from "./args.ts";
 * const run = () => Promise.resolve(0);
 * assert.equal(commandGroups([{ name: "home users", summary: "", usage: "", options: {}, run }])[0], "home");
 * ```
 */
export function commandGroups(commands: readonly CommandInfo[]): string[] {
  return [...new Set(commands.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]))];
}

/**
 * Parses the command line.
 *
 * @param argv The arguments after the program name.
 * @param commands Every command.
 * @returns The invocation.
 * @throws {CliError} exit 2 for an unknown command or option, a missing option value, or a wrong number of arguments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandLine } from "./args.ts";
 * const run = () => Promise.resolve(0);
 * const login = { name: "login", summary: "", usage: "", options: { username: { type: "string" as const, help: "" } }, run };
 * const invocation = parseCommandLine(["--json", "login", "--username", "me"], [login]);
 * assert.ok(invocation.command === login && invocation.args.values.username === "me");
 * ```
 */
export function parseCommandLine<C extends CommandInfo>(
  argv: string[],
  commands: readonly C[],
): Invocation<C> {
  const loose: _ParseOptions = {};
  for (const specs of [GLOBAL_OPTIONS, ...commands.map((c) => c.options)]) {
    for (const [name, spec] of Object.entries(specs)) {
      if (loose[name]?.type !== "string") {
        loose[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
      }
    }
  }
  const { tokens } = parseArgs({
    args: argv,
    options: loose,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const words = tokens.filter((t) => t.kind === "positional") as {
    kind: "positional";
    index: number;
    value: string;
  }[];
  let help = false;
  let start = 0;
  if (words[0]?.value === "help") {
    help = true;
    start = 1;
  }
  const groups = commandGroups(commands);
  const first = words[start]?.value;
  const second = words[start + 1]?.value;
  let command: C | undefined;
  let used = start;
  let group: string | undefined;
  if (first !== undefined) {
    command = commands.find((c) => c.name === `${first} ${second}`);
    if (command) used = start + 2;
    else if (groups.includes(first)) {
      if (second !== undefined && !help) {
        throw usageError(
          `Unknown command ${first} ${second}`,
          `Run plextv help ${first} to see its commands`,
        );
      }
      group = first;
      used = start + 1 + (second !== undefined ? 1 : 0);
    } else {
      command = commands.find((c) => c.name === first);
      if (!command) {
        throw usageError(`Unknown command ${first}`, "Run plextv help to see the commands");
      }
      used = start + 1;
    }
  }
  const skip = new Set(words.slice(0, used).map((w) => w.index));
  const rest = argv.filter((_, i) => !skip.has(i));
  const name = command?.name ?? group;
  const specs = { ...GLOBAL_OPTIONS, ...command?.options };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: _parseOptions(specs), strict: true, allowPositionals: true });
  } catch (err) {
    throw _optionError(err, name);
  }
  const args: ParsedArgs = {
    values: { ...parsed.values } as ParsedArgs["values"],
    positionals: parsed.positionals,
  };
  if (args.values.help) help = true;
  if (command && !help) {
    const { min, max } = command.args ?? { min: 0, max: 0 };
    const count = args.positionals.length;
    if (count < min || count > max) {
      throw usageError(
        count < min
          ? `plextv ${command.name} needs ${min === max ? "" : "at least "}${min} argument${
            min === 1 ? "" : "s"
          }`
          : `plextv ${command.name} takes ${max === 0 ? "no" : `at most ${max}`} argument${
            max === 1 ? "" : "s"
          }`,
        `Usage: ${command.usage}`,
      );
    }
  } else if (!command && args.positionals.length > 0 && !help) {
    throw usageError(`Unknown command ${args.positionals[0]}`, "Run plextv help to see the commands");
  }
  return { command, help, group, args };
}

function _optionError(err: unknown, name: string | undefined): Error {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code ?? "";
  const option = /'(-[^' ]*)/.exec(message)?.[1] ?? /(--?[\w-]+)/.exec(message)?.[1] ?? "option";
  const where = name ? ` for plextv ${name}` : "";
  const hint = `Run plextv help${name ? ` ${name}` : ""} to see the options`;
  if (
    code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ||
    /argument missing|requires? (a|an) (value|argument)/i.test(message)
  ) {
    return usageError(`Option ${option.replace(/^(--?[\w-]+).*/, "$1")} needs a value`, hint);
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return usageError(`Unexpected argument${where}`, hint);
  }
  return usageError(`Unknown option ${option}${where}`, hint);
}
