/**
 * `plextv watchlist [--filter all|available|released] [--sort FIELD[:asc|desc]]`:
 * the account's watchlist from the discover host (PLEXTV_DISCOVER_URL), every
 * page of it.
 *
 * @module
 */
import type { WatchlistOptions } from "../../endpoints/watchlist.ts";
import type { CommandModule } from "../command_module.ts";
import { stringOption } from "../command.ts";
import { EXIT } from "../exit.ts";
import { publicJson } from "../public_json.ts";
import { table } from "../table.ts";

/** The `watchlist` command's help and what it runs. */
const command: CommandModule = {
  description: [
    "Lists what the account put on its watchlist (movies and shows), read page by page from",
    "the discover host. --filter available keeps what can be streamed, released what is out.",
  ].join("\n"),
  examples: [
    ["plextv watchlist", "a table: title, year, type, added"],
    ["plextv watchlist --sort watchlistedAt:desc", "the latest first"],
    ["plextv watchlist --json | jq -r '.[].guid'", "their Plex GUIDs"],
  ],
  async run(f, args) {
    const options: WatchlistOptions = {
      filter: stringOption(args, "filter") as WatchlistOptions["filter"],
      sort: stringOption(args, "sort"),
      signal: f.signal,
    };
    // An unknown filter or a malformed sort is refused (exit 2) before the store is opened.
    (await import("../../endpoints/watchlist.ts")).checkWatchlistOptions(options);
    const { client } = await f.signedIn();
    const items = await client.watchlist(options);
    f.out.data(publicJson(items), () =>
      items.length === 0 ? "The watchlist is empty" : table(
        ["TITLE", "YEAR", "TYPE", "ADDED"],
        items.map((item) => [
          item.title,
          item.year === undefined ? "" : String(item.year),
          item.type,
          item.addedAt ? item.addedAt.toISOString().slice(0, 10) : "",
        ]),
        f.out.dataStyle.bold,
      ));
    return EXIT.ok;
  },
};

export default command;
