/**
 * `plextv servers`: the Plex Media Servers the account can reach.
 *
 * @module
 */
import type { Command } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { printResources, RESOURCE_OPTIONS, resourceQuery } from "./_resources.ts";

/**
 * The `servers` command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { servers } from "./servers.ts";
 * assert.equal(servers.name, "servers");
 * ```
 */
export const servers: Command = {
  name: "servers",
  summary: "List the Plex Media Servers of the account (owned and shared)",
  usage: "plextv servers [--json] [--no-https] [--no-relay] [--no-ipv6]",
  description: [
    'The resources that provide "server". Asks plex.tv for https, relay and IPv6 connections too',
    "(includeHttps=1&includeRelay=1&includeIPv6=1); leave them out with --no-https, --no-relay, --no-ipv6.",
  ].join("\n"),
  options: { ...RESOURCE_OPTIONS },
  async run(f, args) {
    const { client } = await f.signedIn();
    const list = await client.servers({ ...resourceQuery(args), signal: f.signal });
    printResources(f.out, list, "No servers");
    return EXIT.ok;
  },
};
