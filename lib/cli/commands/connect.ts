/**
 * `plextv connect SERVER`: finds the best working connection to a server
 * (local over remote over relay, https over http) and prints its URL.
 *
 * @module
 */
import type { Resource } from "../../endpoints/resource.ts";
import { flagOption, stringOption } from "../command.ts";
import type { Factory } from "../factory.ts";
import { describe } from "../../http/fetch_failure.ts";
import { redactUrl } from "../../redact/url.ts";
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
    hint: list.length
      ? `Servers: ${list.map((r) => r.name).join(", ")} (plextv servers lists them)`
      : "The account has no servers (plextv servers lists them)",
  });
}

/** A fetch that logs each probe on stderr under --verbose: where, and how it ended. */
function _loggedProbes(f: Factory): typeof fetch {
  return async (input, init) => {
    const url = redactUrl(input instanceof Request ? input.url : String(input));
    const started = Date.now();
    try {
      const response = await fetch(input, init);
      f.out.debug(`probe ${url} → ${response.status} in ${Date.now() - started} ms`);
      return response;
    } catch (err) {
      const why = init?.signal?.aborted ? "stopped (another connection won, or time ran out)" : describe(err);
      f.out.debug(`probe ${url} → ${why} after ${Date.now() - started} ms`);
      throw err;
    }
  };
}

/** The `connect` command's help and what it runs. */
const command: CommandModule = {
  examples: [
    ['plextv connect "My Server"', "the best URL that answers"],
    ['plextv connect "My Server" --json --verbose', "the chosen URI and its kind, with each probe logged"],
    [
      'read -r url token < <(plextv connect "My Server" --show-token)',
      "the URL and the server's access token",
    ],
  ],
  description: [
    "SERVER is a server's name or client identifier (see plextv servers), owned or shared with you.",
    "Every https connection is probed at once with the server's own access token; the best that",
    "answers wins (local, then remote, then relay); http connections only when no https one does.",
    "Prints the URL on stdout; --show-token adds the server's access token on a second line (the",
    'token to send to that server). --verbose logs each probe; --json prints {"uri", "kind",',
    '"name", "clientIdentifier", "owned", "protocol", "local", "relay", "IPv6"} (and "accessToken"',
    "with --show-token).",
  ].join("\n"),
  async run(f, args) {
    const timeoutText = stringOption(args, "timeout");
    const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
      throw usageError("--timeout must be a positive number of milliseconds", "For example --timeout 5000");
    }
    const showToken = flagOption(args, "show-token");
    const { client } = await f.signedIn();
    const list = await client.servers({ ...resourceQuery(args), signal: f.signal });
    const server = _find(list, args.positionals[0]);
    f.out.debug(
      `${server.name}: ${server.connections.length} connections, ${server.owned ? "owned" : "shared"}`,
    );
    const found = await client.connect(server, {
      timeoutMs: timeout,
      signal: f.signal,
      fetch: f.out.verbose ? _loggedProbes(f) : undefined,
    });
    const c = found.connection;
    const kind = c.relay ? "relay" : c.local ? "local" : "remote";
    const summary = {
      uri: found.uri,
      kind,
      name: server.name,
      clientIdentifier: server.clientIdentifier,
      owned: server.owned,
      protocol: c.protocol,
      local: c.local,
      relay: c.relay,
      IPv6: c.IPv6,
    };
    const token = found.accessToken.value;
    if (f.out.json) {
      if (showToken) f.out.secret({ ...summary, accessToken: token });
      else f.out.data(summary, () => "");
    } else {
      if (showToken) f.out.secret(`${found.uri}\n${token}`);
      else f.out.data(found.uri, () => found.uri);
      f.out.info(
        fields([
          ["Server", `${server.name}${server.owned ? "" : " (shared with you)"}`],
          ["Connection", `${kind}, ${c.protocol}${c.IPv6 ? ", IPv6" : ""}`],
        ]),
      );
    }
    return EXIT.ok;
  },
};

export default command;
