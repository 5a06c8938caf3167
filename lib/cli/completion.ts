/**
 * Shell completion scripts for bash, zsh and fish, generated from the
 * command table: the commands (and the sub-commands of `home` and `keys`),
 * each command's options and the global ones, the values `--format` and
 * `completion` take, and files for options that name one.
 *
 * @module
 */
import type { CommandInfo, OptionSpec } from "./command.ts";
import { GLOBAL_OPTIONS } from "./globals.ts";

/** The shells plextv completes in. */
export const SHELLS: readonly ["bash", "zsh", "fish"] = ["bash", "zsh", "fish"];

/** Options whose value is a file or a module path. */
const _FILE_OPTIONS = new Set(["output", "payloads", "plugin"]);

/** The values some options and commands take. */
const _VALUES: Record<string, string[]> = { format: ["env", "json"] };

interface _Model {
  /** First words: commands and groups. */
  top: string[];
  /** Group → its sub-commands. */
  groups: Map<string, string[]>;
  /** Command name → its options (with the global ones), as `--name`. */
  options: Map<string, string[]>;
  /** Options that take a value, as `--name`. */
  valued: string[];
  /** Command name → the words its first argument can be. */
  positional: Map<string, string[]>;
}

function _model(commands: readonly CommandInfo[]): _Model {
  const top = [...new Set(commands.map((c) => c.name.split(" ")[0]))];
  const groups = new Map<string, string[]>();
  for (const c of commands.filter((c) => c.name.includes(" "))) {
    const [group, sub] = c.name.split(" ");
    groups.set(group, [...groups.get(group) ?? [], sub]);
  }
  const flags = (specs: Record<string, OptionSpec>) => Object.keys(specs).map((name) => `--${name}`);
  const globals = flags(GLOBAL_OPTIONS);
  const options = new Map(commands.map((c) => [c.name, [...flags(c.options), ...globals]]));
  options.set("", globals);
  const valued = new Set<string>();
  for (const specs of [GLOBAL_OPTIONS, ...commands.map((c) => c.options)]) {
    for (const [name, spec] of Object.entries(specs)) if (spec.type === "string") valued.add(`--${name}`);
  }
  const positional = new Map<string, string[]>([["completion", [...SHELLS]], ["help", top]]);
  return { top, groups, options, valued: [...valued], positional };
}

function _valueCases(
  model: _Model,
  indent: string,
  files: string,
  words: (list: string[]) => string,
): string[] {
  const lines: string[] = [];
  for (const [name, values] of Object.entries(_VALUES)) lines.push(`${indent}--${name}) ${words(values)} ;;`);
  const fileOptions = model.valued.filter((o) => _FILE_OPTIONS.has(o.slice(2)));
  lines.push(`${indent}${fileOptions.join("|")}) ${files} ;;`);
  const others = model.valued.filter((o) => !_FILE_OPTIONS.has(o.slice(2)) && !(o.slice(2) in _VALUES));
  lines.push(`${indent}${others.join("|")}) return ;;`);
  return lines;
}

/**
 * The bash completion script: `source <(plextv completion bash)`.
 *
 * @param commands The command table.
 * @returns The script.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bashCompletion } from "./completion.ts";
 * const script = bashCompletion([{ name: "status", summary: "", usage: "", options: {} }]);
 * assert.match(script, /complete -F _plextv plextv/);
 * ```
 */
export function bashCompletion(commands: readonly CommandInfo[]): string {
  const model = _model(commands);
  const reply = (list: string[]) => `COMPREPLY=($(compgen -W "${list.join(" ")}" -- "$cur")); return`;
  return [
    "# bash completion for plextv: add `source <(plextv completion bash)` to ~/.bashrc",
    "_plextv() {",
    "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} i w skip=0 key",
    "  local -a words=()",
    "  COMPREPLY=()",
    "  for ((i = 1; i < COMP_CWORD; i++)); do",
    "    w=${COMP_WORDS[i]}",
    "    if ((skip)); then skip=0; continue; fi",
    "    case $w in",
    `      ${model.valued.join("|")}) skip=1 ;;`,
    "      -*) ;;",
    '      *) words+=("$w") ;;',
    "    esac",
    "  done",
    "  case $prev in",
    ..._valueCases(model, "    ", 'COMPREPLY=($(compgen -f -- "$cur")); return', reply),
    "  esac",
    "  key=${words[0]-}",
    `  case $key in ${
      [...model.groups.keys()].join("|")
    }) [[ -n ${"${words[1]-}"} ]] && key="$key ${"${words[1]}"}" ;; esac`,
    "  if [[ $cur == -* ]]; then",
    "    case $key in",
    ...[...model.options].map(([name, flags]) => `      "${name}") ${reply(flags)} ;;`),
    "    esac",
    "    return",
    "  fi",
    "  case $key in",
    `    "") ${reply(model.top)} ;;`,
    ...[...model.groups].map(([group, subs]) => `    "${group}") ${reply(subs)} ;;`),
    ...[...model.positional].map(([name, values]) =>
      `    "${name}") ((${"${#words[@]}"} == 1)) && { ${reply(values)}; } ;;`
    ),
    "  esac",
    "}",
    "complete -F _plextv plextv",
    "",
  ].join("\n");
}

/**
 * The zsh completion script: `source <(plextv completion zsh)` after
 * `compinit`, or saved as `_plextv` in a folder of `$fpath`.
 *
 * @param commands The command table.
 * @returns The script.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zshCompletion } from "./completion.ts";
 * assert.match(zshCompletion([{ name: "status", summary: "", usage: "", options: {} }]), /^#compdef plextv/);
 * ```
 */
export function zshCompletion(commands: readonly CommandInfo[]): string {
  const model = _model(commands);
  const add = (list: string[]) => `compadd -- ${list.join(" ")}; return`;
  return [
    "#compdef plextv",
    "# zsh completion for plextv: `source <(plextv completion zsh)` after compinit, or save it as _plextv in $fpath",
    "_plextv() {",
    "  local -a args",
    "  local i w skip=0 key",
    "  for ((i = 2; i < CURRENT; i++)); do",
    "    w=${words[i]}",
    "    if ((skip)); then skip=0; continue; fi",
    "    case $w in",
    `      ${model.valued.join("|")}) skip=1 ;;`,
    "      -*) ;;",
    "      *) args+=($w) ;;",
    "    esac",
    "  done",
    "  case ${words[CURRENT-1]} in",
    ..._valueCases(model, "    ", "_files; return", add),
    "  esac",
    "  key=${args[1]-}",
    `  case $key in ${
      [...model.groups.keys()].join("|")
    }) [[ -n ${"${args[2]-}"} ]] && key="$key ${"${args[2]}"}" ;; esac`,
    "  if [[ $PREFIX == -* ]]; then",
    "    case $key in",
    ...[...model.options].map(([name, flags]) => `      "${name}") ${add(flags)} ;;`),
    "    esac",
    "    return",
    "  fi",
    "  case $key in",
    `    "") ${add(model.top)} ;;`,
    ...[...model.groups].map(([group, subs]) => `    "${group}") ${add(subs)} ;;`),
    ...[...model.positional].map(([name, values]) =>
      `    "${name}") ((${"${#args}"} == 1)) && { ${add(values)}; } ;;`
    ),
    "  esac",
    "}",
    'if [[ ${funcstack[1]-} == _plextv ]]; then _plextv "$@"; else compdef _plextv plextv; fi',
    "",
  ].join("\n");
}

function _fishQuote(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * The fish completion script: save it as
 * `~/.config/fish/completions/plextv.fish`, or `plextv completion fish | source`.
 *
 * @param commands The command table.
 * @returns The script.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fishCompletion } from "./completion.ts";
 * assert.match(fishCompletion([{ name: "status", summary: "Show", usage: "", options: {} }]), /-a status -d 'Show'/);
 * ```
 */
export function fishCompletion(commands: readonly CommandInfo[]): string {
  const model = _model(commands);
  const lines = [
    "# fish completion for plextv: save it as ~/.config/fish/completions/plextv.fish",
    "function __plextv_args --description 'The words typed after plextv, options and their values left out'",
    "    set -l tokens (commandline -opc)",
    "    set -e tokens[1]",
    "    set -l skip 0",
    "    for t in $tokens",
    "        if test $skip = 1",
    "            set skip 0",
    "            continue",
    "        end",
    "        switch $t",
    `            case ${model.valued.join(" ")}`,
    "                set skip 1",
    "            case '-*'",
    "            case '*'",
    "                echo $t",
    "        end",
    "    end",
    "end",
    "function __plextv_at --description 'Whether the words typed are exactly the arguments'",
    "    set -l args (__plextv_args)",
    "    test (count $args) -eq (count $argv); or return 1",
    '    for i in (seq (count $argv)); test "$args[$i]" = "$argv[$i]"; or return 1; end',
    "end",
    "function __plextv_in --description 'Whether the words typed start with the arguments'",
    "    set -l args (__plextv_args)",
    "    test (count $args) -ge (count $argv); or return 1",
    '    for i in (seq (count $argv)); test "$args[$i]" = "$argv[$i]"; or return 1; end',
    "end",
    "complete -c plextv -f",
  ];
  const option = (name: string, spec: OptionSpec, condition?: string) =>
    [
      "complete -c plextv",
      condition ? `-n ${_fishQuote(condition)}` : "",
      `-l ${name}`,
      spec.short ? `-s ${spec.short}` : "",
      spec.type === "string" ? (_FILE_OPTIONS.has(name) ? "-r -F" : "-x") : "",
      _VALUES[name] ? `-a ${_fishQuote(_VALUES[name].join(" "))}` : "",
      `-d ${_fishQuote(spec.help)}`,
    ].filter(Boolean).join(" ");
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) lines.push(option(name, spec));
  const seen = new Set<string>();
  for (const command of commands) {
    const [first, second] = command.name.split(" ");
    if (!seen.has(first)) {
      seen.add(first);
      const summary = second ? `${first} commands: ${model.groups.get(first)!.join(", ")}` : command.summary;
      lines.push(`complete -c plextv -n __plextv_at -a ${first} -d ${_fishQuote(summary)}`);
    }
    if (second) {
      lines.push(
        `complete -c plextv -n ${_fishQuote(`__plextv_at ${first}`)} -a ${second} -d ${
          _fishQuote(command.summary)
        }`,
      );
    }
    const condition = `__plextv_in ${command.name}`;
    for (const [name, spec] of Object.entries(command.options)) lines.push(option(name, spec, condition));
  }
  for (const [name, values] of model.positional) {
    lines.push(
      `complete -c plextv -n ${_fishQuote(`__plextv_at ${name}`)} -a ${_fishQuote(values.join(" "))}`,
    );
  }
  return lines.join("\n") + "\n";
}
