/**
 * `plextv link CODE`: approve a PIN that another device shows (a headless
 * server running `plextv login --pin`, a TV app), as the signed-in account,
 * instead of typing it at plex.tv/link.
 *
 * @module
 */
import { isPlexError } from "../../errors.ts";
import type { CommandModule } from "../command_module.ts";
import { CliError, EXIT } from "../exit.ts";

/**
 * The `link` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Does what entering CODE at plex.tv/link does: the device showing it is signed in to this",
    "account on its next check. CODE is the 4-character code (e.g. 7RQZ), as the device shows it.",
  ].join("\n"),
  examples: [
    ["plextv link 7RQZ", "sign in the server that shows 7RQZ (plextv login --pin there)"],
  ],
  async run(f, args) {
    const code = args.positionals[0];
    // A malformed code is refused before the store is opened (and its passphrase asked).
    (await import("../../endpoints/pin_link.ts")).pinCode(code);
    const { client } = await f.signedIn();
    try {
      await client.linkPin(code, { signal: f.signal });
    } catch (err) {
      if (!isPlexError(err, "pin_expired")) throw err;
      throw new CliError(`No PIN ${code} is waiting for approval`, {
        hint:
          "Check the code the device shows; if it expired, start its sign-in again (plextv login --pin there)",
        cause: err,
      });
    }
    f.out.success(`Approved ${code}: the device that shows it is signing in to this account`);
    return EXIT.ok;
  },
};

export default command;
