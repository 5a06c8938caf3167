/**
 * `plextv resources`: servers, players and other resources of the account.
 *
 * @module
 */
import type { Command } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { printResources, RESOURCE_OPTIONS, resourceQuery } from "./_resources.ts";

/**
 * The `resources` command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resources } from "./resources.ts";
 * assert.equal(resources.name, "resources");
 * ```
 */
export const resources: Command = {
  name: "resources",
  summary: "List the account's resources (servers, players) and their connections",
  usage: "plextv resources [--json] [--no-https] [--no-relay] [--no-ipv6]",
  description: [
    "Asks plex.tv for https, relay and IPv6 connections too (includeHttps=1&includeRelay=1&includeIPv6=1).",
    "The access tokens of the servers are never printed; use plextv connect SERVER to reach one.",
  ].join("\n"),
  options: { ...RESOURCE_OPTIONS },
  async run(f, args) {
    const { client } = await f.signedIn();
    const list = await client.resources({ ...resourceQuery(args), signal: f.signal });
    printResources(f.out, list, "No resources");
    return EXIT.ok;
  },
};
