/**
 * `plextv completion bash|zsh|fish`: prints a shell completion script for
 * every command and option.
 *
 * @module
 */
import { bashCompletion, fishCompletion, SHELLS, zshCompletion } from "../completion.ts";
import type { CommandModule } from "../command_module.ts";
import { EXIT, usageError } from "../exit.ts";
import { closest } from "../suggest.ts";

/**
 * The `completion` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Prints a script that completes plextv's commands, sub-commands and options (and the values",
    "of --format and of completion itself) in bash, zsh or fish. Load it from your shell's start-up",
    "file, as in the examples.",
  ].join("\n"),
  examples: [
    ["source <(plextv completion bash)", "bash: add this line to ~/.bashrc"],
    [
      'plextv completion zsh > "${fpath[1]}/_plextv"',
      "zsh: install it (or source <(plextv completion zsh) after compinit)",
    ],
    ["plextv completion fish > ~/.config/fish/completions/plextv.fish", "fish: install it"],
  ],
  run(f, args) {
    if (f.out.json) {
      throw usageError("A completion script is text only: --json does not apply", "Leave out --json");
    }
    const shell = args.positionals[0];
    const script = shell === "bash"
      ? bashCompletion(f.commands)
      : shell === "zsh"
      ? zshCompletion(f.commands)
      : shell === "fish"
      ? fishCompletion(f.commands)
      : undefined;
    if (script === undefined) {
      const meant = closest(shell, SHELLS);
      throw usageError(
        `plextv completes in bash, zsh and fish, not ${shell}`,
        meant ? `Did you mean plextv completion ${meant}?` : "Run plextv completion bash, zsh or fish",
      );
    }
    f.out.stdout.write(script);
    return Promise.resolve(EXIT.ok);
  },
};

export default command;
