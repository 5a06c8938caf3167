/**
 * `plextv webhooks [add URL | remove URL]`: the URLs plex.tv calls on the
 * account's playback and library events (Plex Pass), and changing them.
 *
 * @module
 */
import type { Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { EXIT, usageError } from "../exit.ts";
import { table } from "../table.ts";

function _print(ctx: CliContext, urls: string[]): void {
  ctx.out.data(
    urls,
    () => urls.length === 0 ? "No webhooks" : table(["URL"], urls.map((u) => [u]), ctx.out.dataStyle.bold),
  );
}

/**
 * The `webhooks` command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhooks } from "./webhooks.ts";
 * assert.equal(webhooks.name, "webhooks");
 * ```
 */
export const webhooks: Command = {
  name: "webhooks",
  summary: "List, add or remove the account's webhooks",
  usage: "plextv webhooks [add URL | remove URL] [--json]",
  description: [
    "Without arguments, lists the webhooks. add URL appends an http(s) URL (a URL that is already",
    "there changes nothing); remove URL takes one out (a URL that is not there is an error).",
    "Both print the list afterwards. Webhooks need Plex Pass.",
  ].join("\n"),
  options: {},
  args: { min: 0, max: 2 },
  examples: [
    ["plextv webhooks", "list them"],
    ["plextv webhooks add https://hooks.example.com/plex", "add one"],
    ["plextv webhooks remove https://hooks.example.com/plex --json", "remove it and print the rest as JSON"],
  ],
  async run(ctx, args) {
    const [action, url] = args.positionals;
    if (action === undefined) {
      const { client } = await ctx.client();
      _print(ctx, await client.webhooks({ signal: ctx.signal }));
      return EXIT.ok;
    }
    if ((action !== "add" && action !== "remove") || url === undefined) {
      throw usageError(
        action === "add" || action === "remove"
          ? `plextv webhooks ${action} needs a URL`
          : `Unknown action ${action}`,
        `Usage: ${webhooks.usage}`,
      );
    }
    // A malformed URL is refused before the store is opened (and its passphrase asked).
    if (action === "add") (await import("../../endpoints/webhook.ts")).webhookUrl(url);
    const { client } = await ctx.client();
    if (action === "add") {
      _print(ctx, await client.addWebhook(url, { signal: ctx.signal }));
      ctx.out.success("The webhook is set");
    } else {
      _print(ctx, await client.removeWebhook(url, { signal: ctx.signal }));
      ctx.out.success("The webhook is removed");
    }
    return EXIT.ok;
  },
};
