/**
 * `plextv version`: the version, as `plextv --version` prints it.
 *
 * @module
 */
import { VERSION } from "../../version.ts";
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";

/**
 * The `version` command's help and what it runs.
 */
const command: CommandModule = {
  description: 'Prints "plextv VERSION" (with --json: {"version"}); the same as plextv --version.',
  examples: [["plextv version", "which plextv this is"]],
  run(f) {
    f.out.data({ version: VERSION }, () => `plextv ${VERSION}`);
    return Promise.resolve(EXIT.ok);
  },
};

export default command;
