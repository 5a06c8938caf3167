/**
 * `plextv servers`: the Plex Media Servers the account can reach.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { printResources, resourceQuery } from "./_resources.ts";

/**
 * The `servers` command's help and what it runs.
 */
const command: CommandModule = {
  examples: [["plextv servers", "owned and shared servers"], [
    "plextv servers --json",
    "as JSON, without access tokens",
  ]],
  description: [
    'The resources that provide "server". Asks plex.tv for https, relay and IPv6 connections too',
    "(includeHttps=1&includeRelay=1&includeIPv6=1); leave them out with --no-https, --no-relay, --no-ipv6.",
  ].join("\n"),
  async run(f, args) {
    const { client } = await f.signedIn();
    const list = await client.servers({ ...resourceQuery(args), signal: f.signal });
    printResources(f.out, list, "No servers");
    return EXIT.ok;
  },
};

export default command;
