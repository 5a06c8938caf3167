/**
 * `plextv home users`: the members of the Plex Home.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { publicJson } from "../public_json.ts";
import { table } from "../table.ts";

/**
 * The `home users` command's help and what it runs.
 */
const command: CommandModule = {
  examples: [["plextv home users", "the members, their roles and whether a PIN protects them"]],
  async run(f) {
    const { client } = await f.signedIn();
    const users = await client.homeUsers({ signal: f.signal });
    const role = (u: (typeof users)[number]) =>
      u.admin ? "admin" : u.guest ? "guest" : u.restricted ? "managed" : "member";
    const { bold } = f.out.dataStyle;
    f.out.data(
      users.map((u) => ({ ...publicJson(u) as object, role: role(u) })),
      () =>
        users.length === 0 ? "No home users" : table(
          ["TITLE", "USERNAME", "ROLE", "PIN", "UUID"],
          users.map((u) => [u.title, u.username ?? undefined, role(u), u.protected ? "yes" : "no", u.uuid]),
          bold,
        ),
    );
    return EXIT.ok;
  },
};

export default command;
