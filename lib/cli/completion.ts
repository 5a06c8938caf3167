/**
 * Shell completion scripts for bash, zsh and fish, generated from the
 * command table: the commands (and the sub-commands of `home` and `keys`),
 * each command's options and the global ones, the values `--format`,
 * `--store` (its schemes), `--filter` and `completion` take, and files for
 * options that name one.
 *
 * @module
 */
import type { CommandInfo, OptionSpec } from "./command.ts";
import { WATCHLIST_FILTERS } from "../endpoints/watchlist.ts";
import { GLOBAL_OPTIONS } from "./globals.ts";

/** The shells plextv completes in. */
export const SHELLS: readonly ["bash", "zsh", "fish"] = ["bash", "zsh", "fish"];

/** Options whose value is a file or a module path. */
const _FILE_OPTIONS = new Set(["output", "payloads", "plugin"]);

/** The values some options and commands take: a store's schemes, the watchlist's filters. */
const _VALUES: Record<string, string[]> = {
  format: ["env", "json"],
  store: ["vault:", "keychain:", "env:", "memory:", "redis://", "rediss://"],
  filter: [...WATCHLIST_FILTERS],
};

interface _Model {
  /** First words: commands and groups. */
  top: string[];
  /** Group → its sub-commands. */
  groups: Map<string, string[]>;
  /** Command name → its options (with the global ones), as `--name`. */
  options: Map<string, string[]>;
  /** Options that take a value, as `--name` and as `-x` for those with a one-letter alias. */
  valued: string[];
  /** Each option word of `valued` → the option's long name. */
  longName: Map<string, string>;
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
  const longName = new Map<string, string>();
  for (const specs of [GLOBAL_OPTIONS, ...commands.map((c) => c.options)]) {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.type !== "string") continue;
      longName.set(`--${name}`, name);
      if (spec.short) longName.set(`-${spec.short}`, name);
    }
  }
  const positional = new Map<string, string[]>([["completion", [...SHELLS]], ["help", top]]);
  for (const c of commands) if (c.words) positional.set(c.name, [...c.words]);
  return { top, groups, options, valued: [...longName.keys()], longName, positional };
}

/** How bash and zsh spell the same completion function. */
interface _Dialect {
  /** The script's first lines. */
  header: string[];
  /** Its locals and the head of the loop over the words typed before the current one. */
  loop: string;
  /** The loop's word, the previous word, the word being typed. */
  word: string;
  previous: string;
  typed: string;
  /** Keeps `$w` as a command word; the first and second command words; their count. */
  push: string;
  first: string;
  second: string;
  count: string;
  /** Offers these words; offers files. */
  reply: (list: string[]) => string;
  files: string;
  /** The script's last lines. */
  footer: string[];
}

function _shellScript(model: _Model, d: _Dialect): string {
  const long = (word: string) => model.longName.get(word)!;
  const fileOptions = model.valued.filter((o) => _FILE_OPTIONS.has(long(o)));
  const otherOptions = model.valued.filter((o) => !_FILE_OPTIONS.has(long(o)) && !(long(o) in _VALUES));
  return [
    ...d.header,
    "_plextv() {",
    "  local i w skip=0 key",
    `  ${d.loop}`,
    `    w=${d.word}`,
    "    if ((skip)); then skip=0; continue; fi",
    "    case $w in",
    `      ${model.valued.join("|")}) skip=1 ;;`,
    "      -*) ;;",
    `      *) ${d.push} ;;`,
    "    esac",
    "  done",
    `  case ${d.previous} in`,
    ...Object.entries(_VALUES).map(([name, values]) => `    --${name}) ${d.reply(values)} ;;`),
    `    ${fileOptions.join("|")}) ${d.files} ;;`,
    `    ${otherOptions.join("|")}) return ;;`,
    "  esac",
    `  key=${d.first}`,
    `  case $key in ${
      [...model.groups.keys()].join("|")
    }) [[ -n ${d.second} ]] && key="$key ${d.second}" ;; esac`,
    `  if [[ ${d.typed} == -* ]]; then`,
    "    case $key in",
    ...[...model.options].map(([name, flags]) => `      "${name}") ${d.reply(flags)} ;;`),
    "    esac",
    "    return",
    "  fi",
    "  case $key in",
    `    "") ${d.reply(model.top)} ;;`,
    ...[...model.groups].map(([group, subs]) => `    "${group}") ${d.reply(subs)} ;;`),
    ...[...model.positional].map(([name, values]) =>
      `    "${name}") ((${d.count} == 1)) && { ${d.reply(values)}; } ;;`
    ),
    "  esac",
    "}",
    ...d.footer,
    "",
  ].join("\n");
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
  return _shellScript(_model(commands), {
    header: ["# bash completion for plextv: add `source <(plextv completion bash)` to ~/.bashrc"],
    loop:
      "local cur=${COMP_WORDS[COMP_CWORD]}; local -a words=(); COMPREPLY=()\n  for ((i = 1; i < COMP_CWORD; i++)); do",
    word: "${COMP_WORDS[i]}",
    previous: "${COMP_WORDS[COMP_CWORD-1]}",
    typed: "$cur",
    push: 'words+=("$w")',
    first: "${words[0]-}",
    second: "${words[1]-}",
    count: "${#words[@]}",
    reply: (list) => `COMPREPLY=($(compgen -W "${list.join(" ")}" -- "$cur")); return`,
    files: 'COMPREPLY=($(compgen -f -- "$cur")); return',
    footer: ["complete -F _plextv plextv"],
  });
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
  return _shellScript(_model(commands), {
    header: [
      "#compdef plextv",
      "# zsh completion for plextv: `source <(plextv completion zsh)` after compinit, or save it as _plextv in $fpath",
    ],
    loop: "local -a args\n  for ((i = 2; i < CURRENT; i++)); do",
    word: "${words[i]}",
    previous: "${words[CURRENT-1]}",
    typed: "$PREFIX",
    push: "args+=($w)",
    first: "${args[1]-}",
    second: "${args[2]-}",
    count: "${#args}",
    reply: (list) => `compadd -- ${list.join(" ")}; return`,
    files: "_files; return",
    footer: ['if [[ ${funcstack[1]-} == _plextv ]]; then _plextv "$@"; else compdef _plextv plextv; fi'],
  });
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
