/**
 * `plextv resources`: servers, players and other resources of the account.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { printResources, resourceQuery } from "./_resources.ts";

/**
 * The `resources` command's help and what it runs.
 */
const command: CommandModule = {
  examples: [["plextv resources", "servers, players and their connections"], [
    "plextv resources --json --no-relay",
    "as JSON, without relay connections",
  ]],
  description: [
    "Asks plex.tv for https, relay and IPv6 connections too (includeHttps=1&includeRelay=1&includeIPv6=1).",
    "The access tokens of the servers are never printed; use plextv connect SERVER to reach one.",
  ].join("\n"),
  async run(f, args) {
    const { client } = await f.signedIn();
    const list = await client.resources({ ...resourceQuery(args), signal: f.signal });
    printResources(f.out, list, "No resources");
    return EXIT.ok;
  },
};

export default command;
