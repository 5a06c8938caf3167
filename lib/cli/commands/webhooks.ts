/**
 * `plextv webhooks [add URL | remove URL]`: the URLs plex.tv calls on the
 * account's playback and library events (Plex Pass), and changing them.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import type { Factory } from "../factory.ts";
import { isPlexError } from "../../errors.ts";
import { CliError, EXIT, usageError } from "../exit.ts";
import { table } from "../table.ts";

function _print(f: Factory, urls: string[]): void {
  f.out.data(
    urls,
    () => urls.length === 0 ? "No webhooks" : table(["URL"], urls.map((u) => [u]), f.out.dataStyle.bold),
  );
}

/**
 * The `webhooks` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Without arguments, lists the webhooks. add URL appends an http(s) URL (a URL that is already",
    "there changes nothing); remove URL takes one out (a URL that is not there is an error).",
    "Both print the list afterwards. Webhooks need Plex Pass.",
  ].join("\n"),
  examples: [
    ["plextv webhooks", "list them"],
    ["plextv webhooks add https://hooks.example.com/plex", "add one"],
    ["plextv webhooks remove https://hooks.example.com/plex --json", "remove it and print the rest as JSON"],
  ],
  async run(f, args) {
    const [action, url] = args.positionals;
    if (action === undefined) {
      const { client } = await f.signedIn();
      _print(f, await client.webhooks({ signal: f.signal }));
      return EXIT.ok;
    }
    if ((action !== "add" && action !== "remove") || url === undefined) {
      throw usageError(
        action === "add" || action === "remove"
          ? `plextv webhooks ${action} needs a URL`
          : `Unknown action ${action}`,
        "Usage: plextv webhooks [add URL | remove URL] [--json]",
      );
    }
    // A malformed URL is refused before the store is opened (and its passphrase asked).
    if (action === "add") (await import("../../endpoints/webhook.ts")).webhookUrl(url);
    const { client } = await f.signedIn();
    if (action === "add") {
      _print(f, await client.addWebhook(url, { signal: f.signal }));
      f.out.success("The webhook is set");
    } else {
      let rest: string[];
      try {
        rest = await client.removeWebhook(url, { signal: f.signal });
      } catch (err) {
        if (!isPlexError(err, "not_found")) throw err;
        throw new CliError(err.message, { cause: err, hint: "plextv webhooks lists the account's webhooks" });
      }
      _print(f, rest);
      f.out.success("The webhook is removed");
    }
    return EXIT.ok;
  },
};

export default command;
