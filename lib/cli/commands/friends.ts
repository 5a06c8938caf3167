/**
 * `plextv friends`: the account's friends.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { publicJson } from "../public_json.ts";
import { table } from "../table.ts";

/**
 * The `friends` command's help and what it runs.
 */
const command: CommandModule = {
  description: "Which libraries each friend has: plextv shares SERVER.",
  examples: [
    ["plextv friends", "a table of friends"],
    ["plextv friends --json | jq -r '.[].username'", "their usernames"],
  ],
  async run(f) {
    const { client } = await f.signedIn();
    const list = await client.friends({ signal: f.signal });
    f.out.data(publicJson(list), () =>
      list.length === 0 ? "No friends" : table(
        ["TITLE", "USERNAME", "EMAIL", "STATUS", "KIND", "ID"],
        list.map((f) => [
          f.title,
          f.username,
          f.email,
          f.status,
          f.home ? (f.restricted ? "managed" : "home") : "friend",
          String(f.id),
        ]),
        f.out.dataStyle.bold,
      ));
    return EXIT.ok;
  },
};

export default command;
