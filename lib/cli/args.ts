/**
 * The command line: which command, its options and arguments, and the global
 * options anywhere on the line. Strict: an unknown option or command is a
 * usage error (exit 2) that suggests the closest known one.
 *
 * Hand-written rather than `node:util`'s `parseArgs`, which costs Bun more
 * start-up time than the rest of `plextv --version`; it keeps `parseArgs`'s
 * rules: `--name value`, `--name=value`, `-x value`, `-xvalue`, grouped short
 * flags (`-qv`), repeatable options, and `--` before plain arguments.
 *
 * @module
 */
import type { CommandInfo, OptionSpec, ParsedArgs } from "./command.ts";
import { usageError } from "./exit.ts";
import { GLOBAL_OPTIONS } from "./globals.ts";
import { closest } from "./suggest.ts";

/**
 * What the command line asks for.
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

interface _Option {
  kind: "option";
  /** The long name, or the text typed when unknown (`frob` for `--frob`, `x` for `-x`). */
  name: string;
  /** As typed: `--frob`, `-x`. */
  flag: string;
  known: boolean;
  value?: string;
  inline: boolean;
  index: number;
}

interface _Positional {
  kind: "positional";
  value: string;
  index: number;
}

const _dashed = (arg: string | undefined) => arg !== undefined && arg.startsWith("-") && arg !== "-";

/** Splits the arguments into options (with their values) and positionals. */
/** Whether an argument after an option that needs a value is that value: not an option, or a negative number. */
function _valueLike(arg: string): boolean {
  return !_dashed(arg) || /^-\d/.test(arg);
}

function _tokens(argv: readonly string[], specs: Record<string, OptionSpec>): (_Option | _Positional)[] {
  // The short flags are looked up only when a short option is on the line.
  let shorts: Record<string, string> | undefined;
  const shortName = (letter: string): string | undefined => {
    if (!shorts) {
      shorts = {};
      for (const name in specs) if (specs[name]!.short) shorts[specs[name]!.short!] = name;
    }
    return Object.hasOwn(shorts, letter) ? shorts[letter] : undefined;
  };
  const tokens: (_Option | _Positional)[] = [];
  let plain = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (plain || !_dashed(arg)) {
      tokens.push({ kind: "positional", value: arg, index: i });
    } else if (arg === "--") {
      plain = true;
    } else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const token: _Option = {
        kind: "option",
        name,
        flag: `--${name}`,
        known: Object.hasOwn(specs, name),
        inline: eq >= 0,
        index: i,
      };
      if (eq >= 0) token.value = arg.slice(eq + 1);
      else if (specs[name]?.type === "string" && i + 1 < argv.length && _valueLike(argv[i + 1])) {
        token.value = argv[++i];
      }
      tokens.push(token);
    } else {
      for (let k = 1; k < arg.length; k++) {
        const name = shortName(arg[k]!);
        const token: _Option = {
          kind: "option",
          name: name ?? arg[k],
          flag: `-${arg[k]}`,
          known: name !== undefined,
          inline: false,
          index: i,
        };
        tokens.push(token);
        if (name !== undefined && specs[name].type === "string") {
          if (k + 1 < arg.length) token.value = arg.slice(k + 1);
          else if (i + 1 < argv.length && _valueLike(argv[i + 1])) token.value = argv[++i];
          break;
        }
      }
    }
  }
  return tokens;
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
 * assert.equal(commandGroups([{ name: "home users", summary: "", usage: "", options: {} }])[0], "home");
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
 * const login = { name: "login", summary: "", usage: "", options: { username: { type: "string" as const, help: "" } } };
 * const invocation = parseCommandLine(["--json", "login", "--username", "me"], [login]);
 * assert.ok(invocation.command === login && invocation.args.values.username === "me");
 * ```
 */
export function parseCommandLine<C extends CommandInfo>(
  argv: string[],
  commands: readonly C[],
): Invocation<C> {
  // Plain loops over the command table: this runs for every command, --version included, and each
  // array helper's first use costs Bun's start-up a fraction of a millisecond.
  const loose: Record<string, OptionSpec> = {};
  const merge = (specs: Readonly<Record<string, OptionSpec>>) => {
    for (const name in specs) if (loose[name]?.type !== "string") loose[name] = specs[name]!;
  };
  merge(GLOBAL_OPTIONS);
  for (let i = 0; i < commands.length; i++) merge(commands[i]!.options);
  const words: _Positional[] = [];
  const tokens = _tokens(argv, loose);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind === "positional") words.push(tokens[i] as _Positional);
  }
  let help = false;
  let start = 0;
  if (words[0]?.value === "help") {
    help = true;
    start = 1;
  }
  const first = words[start]?.value;
  const second = words[start + 1]?.value;
  let command: C | undefined;
  let used = start;
  let group: string | undefined;
  if (first !== undefined) {
    command = _named(commands, `${first} ${second}`);
    if (command) used = start + 2;
    else if (_isGroup(commands, first)) {
      if (second !== undefined) {
        const members = commands.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name);
        throw _unknownCommand(`${first} ${second}`, members, `Run plextv help ${first} to see its commands`);
      }
      group = first;
      used = start + 1 + (second !== undefined ? 1 : 0);
    } else {
      command = _named(commands, first);
      if (!command) throw _unknownCommand(first, _commandWords(commands));
      used = start + 1;
    }
  }
  const rest: string[] = [];
  for (let i = 0, w = 0; i < argv.length; i++) {
    if (w < used && words[w]!.index === i) w++;
    else rest.push(argv[i]!);
  }
  const name = command?.name ?? group;
  const specs = { ...GLOBAL_OPTIONS, ...command?.options };
  const args: ParsedArgs = { values: {}, positionals: [] };
  for (const token of _tokens(rest, specs)) {
    if (token.kind === "positional") {
      args.positionals.push(token.value);
      continue;
    }
    const spec = specs[token.name];
    if (!token.known || !spec) throw _unknownOption(token.flag, specs, name);
    if (spec.type === "boolean") {
      if (token.inline) throw usageError(`Option --${token.name} takes no value`, _optionsHint(name));
      args.values[token.name] = true;
    } else if (token.value === undefined || token.value === "") {
      // An empty value (`--store=`) is no value: it would quietly stand for the default.
      throw usageError(`Option --${token.name} needs a value`, _optionsHint(name));
    } else if (spec.multiple) {
      args.values[token.name] = [...(args.values[token.name] as string[] | undefined ?? []), token.value];
    } else if (args.values[token.name] !== undefined && args.values[token.name] !== token.value) {
      throw usageError(`Option --${token.name} is given twice, with different values`, _optionsHint(name));
    } else {
      args.values[token.name] = token.value;
    }
  }
  if (args.values.help) {
    // `plextv help --help` is the help command's own help.
    if (!command && !group && start === 1) command = commands.find((c) => c.name === "help");
    help = true;
  }
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
    throw _unknownCommand(args.positionals[0], _commandWords(commands));
  }
  return { command, help, group, args };
}

/** The command of that name. */
function _named<C extends CommandInfo>(commands: readonly C[], name: string): C | undefined {
  for (let i = 0; i < commands.length; i++) if (commands[i]!.name === name) return commands[i];
  return undefined;
}

/** Whether `word` is the first word of two-word commands (`home`, `keys`). */
function _isGroup(commands: readonly CommandInfo[], word: string): boolean {
  for (let i = 0; i < commands.length; i++) if (commands[i]!.name.startsWith(`${word} `)) return true;
  return false;
}

/** The first words of every command (`home` once for `home users` and `home switch`). */
function _commandWords(commands: readonly CommandInfo[]): string[] {
  return [...new Set(commands.map((c) => c.name.split(" ")[0]))];
}

function _unknownCommand(
  typed: string,
  known: string[],
  otherwise = "Run plextv help to see the commands",
): Error {
  const meant = closest(typed, known);
  return usageError(`Unknown command ${typed}`, meant ? `Did you mean plextv ${meant}?` : otherwise);
}

function _optionsHint(name: string | undefined): string {
  return `Run plextv help${name ? ` ${name}` : ""} to see the options`;
}

function _unknownOption(flag: string, specs: Record<string, OptionSpec>, name: string | undefined): Error {
  const where = name ? ` for plextv ${name}` : "";
  const meant = flag.startsWith("--") ? closest(flag.slice(2), Object.keys(specs)) : undefined;
  return usageError(
    `Unknown option ${flag}${where}`,
    meant ? `Did you mean --${meant}? ${_optionsHint(name)}` : _optionsHint(name),
  );
}
