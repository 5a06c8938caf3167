/**
 * `plextv friends`: the account's friends.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { EXIT } from "../exit.ts";
import { publicJson } from "../public_json.ts";
import { table } from "../table.ts";

/**
 * The `friends` command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { friends } from "./friends.ts";
 * assert.equal(friends.name, "friends");
 * ```
 */
export const friends: Command = {
  name: "friends",
  summary: "List the account's friends",
  usage: "plextv friends [--json]",
  description: "Which libraries each friend has: plextv shares SERVER.",
  options: {},
  examples: [
    ["plextv friends", "a table of friends"],
    ["plextv friends --json | jq -r '.[].username'", "their usernames"],
  ],
  async run(ctx) {
    const { client } = await ctx.client();
    const list = await client.friends({ signal: ctx.signal });
    ctx.out.data(publicJson(list), () =>
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
        ctx.out.dataStyle.bold,
      ));
    return EXIT.ok;
  },
};
