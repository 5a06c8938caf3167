/**
 * `plextv connect SERVER`: finds the best working connection to a server
 * (local over remote over relay, https over http) and prints its URL.
 *
 * @module
 */
import type { Resource } from "../../endpoints/resource.ts";
import { stringOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import { CliError, EXIT, usageError } from "../exit.ts";
import { fields } from "../table.ts";
import { resourceQuery } from "./_resources.ts";

function _find(list: Resource[], wanted: string): Resource {
  const lower = wanted.toLowerCase();
  const exact = list.filter((r) => r.clientIdentifier === wanted || r.name === wanted);
  const loose = exact.length ? exact : list.filter((r) => r.name.toLowerCase() === lower);
  if (loose.length === 1) return loose[0];
  if (loose.length > 1) {
    throw new CliError(`Several servers are named ${wanted}`, {
      exitCode: EXIT.usage,
      hint: "Pass the client identifier instead (see plextv servers)",
    });
  }
  throw new CliError(`No server named ${wanted}`, {
    hint: list.length ? `Servers: ${list.map((r) => r.name).join(", ")}` : "The account has no servers",
  });
}

/**
 * The `connect` command's help and what it runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import command from "./connect.ts";
 * assert.equal(typeof command.run, "function");
 * ```
 */
const command: CommandModule = {
  examples: [
    ['plextv connect "My Server"', "the best URL that answers"],
    ['plextv connect "My Server" --json --verbose', "the chosen URI and its kind, with each probe logged"],
  ],
  description: [
    "SERVER is a server's name or client identifier (see plextv servers). Every connection is",
    "probed at once; the best that answers wins (local, then remote, then relay; https first).",
    "Prints the URL on stdout. The server's access token is not printed.",
  ].join("\n"),
  async run(f, args) {
    const timeoutText = stringOption(args, "timeout");
    const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
      throw usageError("--timeout must be a positive number of milliseconds");
    }
    const { client } = await f.signedIn();
    const list = await client.servers({ ...resourceQuery(args), signal: f.signal });
    const server = _find(list, args.positionals[0]);
    const found = await client.connect(server, { timeout, signal: f.signal });
    const c = found.connection;
    const kind = c.relay ? "relay" : c.local ? "local" : "remote";
    const summary = {
      name: server.name,
      clientIdentifier: server.clientIdentifier,
      uri: found.uri,
      protocol: c.protocol,
      local: c.local,
      relay: c.relay,
      IPv6: c.IPv6,
    };
    if (f.out.json) f.out.data(summary, () => "");
    else {
      f.out.data(found.uri, () => found.uri);
      f.out.info(
        fields([["Server", server.name], ["Connection", `${kind}, ${c.protocol}${c.IPv6 ? ", IPv6" : ""}`]]),
      );
    }
    return EXIT.ok;
  },
};

export default command;
