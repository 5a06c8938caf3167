/**
 * `plextv help [COMMAND]`: the command list, or one command's help.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { fitToTerminal, overviewHelp } from "../help.ts";

/**
 * The `help` command's help and what it runs: the overview (the command
 * line turns `plextv help COMMAND` into that command's help).
 */
const command: CommandModule = {
  description: "Also: plextv COMMAND --help.",
  examples: [
    ["plextv help", "every command, the global options, the environment and the exit codes"],
    ["plextv help login", "the options of one command, with examples"],
  ],
  run(f) {
    f.out.stdout.write(fitToTerminal(overviewHelp(f.commands, f.out.dataStyle), f.out.stdout) + "\n");
    return Promise.resolve(EXIT.ok);
  },
};

export default command;
