/**
 * `plextv user`: the signed-in account.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { publicJson, shortDate } from "../public_json.ts";
import { fields } from "../table.ts";

/**
 * The `user` command's help and what it runs.
 */
const command: CommandModule = {
  examples: [["plextv user", "the account"], ["plextv user --json", "the whole account, without its tokens"]],
  description: "With --json, the whole account as plex.tv describes it, without its tokens.",
  async run(f) {
    const { client } = await f.signedIn();
    const account = await client.user({ signal: f.signal });
    const { dim } = f.out.dataStyle;
    const subscription = account.subscription;
    f.out.data(publicJson(account), () =>
      fields([
        ["Username", account.username],
        ["Title", account.title !== account.username ? account.title : undefined],
        ["Email", account.email ?? undefined],
        ["Id", String(account.id)],
        ["UUID", account.uuid],
        ["Joined", shortDate(account.joinedAt)],
        [
          "Plex Pass",
          subscription.active ? `${subscription.plan ?? "active"} (${subscription.status})` : "no",
        ],
        [
          "Home",
          account.home ? `${account.homeAdmin ? "admin" : "member"}, ${account.homeSize} users` : "no",
        ],
        ["Two-factor", account.twoFactorEnabled ? "enabled" : "disabled"],
        ["Country", account.country || undefined],
      ], dim));
    return EXIT.ok;
  },
};

export default command;
