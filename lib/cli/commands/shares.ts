/**
 * `plextv shares SERVER`: who has which libraries of one of the account's
 * servers. The users' server tokens are never printed.
 *
 * @module
 */
import type { Resource } from "../../endpoints/resource.ts";
import type { CommandModule } from "../command_module.ts";
import { CliError, EXIT } from "../exit.ts";
import { publicJson, shortDate } from "../public_json.ts";
import { table } from "../table.ts";

/** The account's own server named (or identified by) `wanted`. */
function _ownServer(servers: Resource[], wanted: string): Resource {
  const lower = wanted.toLowerCase();
  const byId = servers.filter((s) => s.clientIdentifier === wanted);
  const match = byId.length ? byId : servers.filter((s) => s.name.toLowerCase() === lower);
  const owned = match.filter((s) => s.owned);
  if (owned.length === 1) return owned[0];
  const names = servers.filter((s) => s.owned).map((s) => s.name).join(", ");
  if (owned.length > 1) {
    throw new CliError(`Several of the account's servers are named ${wanted}`, {
      exitCode: EXIT.usage,
      hint: "Pass the client identifier instead (see plextv servers)",
    });
  }
  throw new CliError(
    match.length ? `${wanted} is shared with this account, not its own` : `No server named ${wanted}`,
    {
      hint: names
        ? `The account's servers: ${names} (plextv servers)`
        : "The account owns no server (plextv servers)",
    },
  );
}

/**
 * The `shares` command's help and what it runs.
 */
const command: CommandModule = {
  description: "SERVER is the name or client identifier of a server the account owns (see plextv servers).",
  examples: [
    ['plextv shares "Living Room"', "the users of that server and their libraries"],
    ["plextv shares 0123abcd --json", "the same as JSON, without the users' tokens"],
  ],
  async run(f, args) {
    const { client } = await f.signedIn();
    const server = _ownServer(await client.servers({ signal: f.signal }), args.positionals[0]);
    const list = await client.sharedServers(server.clientIdentifier, { signal: f.signal });
    f.out.data(
      publicJson(list),
      () =>
        list.length === 0 ? `${server.name} is not shared with anyone` : table(
          ["USER", "EMAIL", "LIBRARIES", "ACCEPTED", "USER ID"],
          list.map((s) => [
            s.username,
            s.email,
            s.allLibraries
              ? "all"
              : s.sections.filter((x) => x.shared).map((x) => x.title).join(", ") || "none",
            s.acceptedAt ? shortDate(s.acceptedAt) : undefined,
            String(s.userID),
          ]),
          f.out.dataStyle.bold,
        ),
    );
    return EXIT.ok;
  },
};

export default command;
