/**
 * What `resources` and `servers` share: the request (https, relay and IPv6
 * connections by default) and the table.
 *
 * @module
 */
import type { Resource } from "../../endpoints/resource.ts";
import type { ParsedArgs } from "../command.ts";
import { flagOption } from "../command.ts";
import type { Output } from "../output.ts";
import { publicJson } from "../public_json.ts";
import { table } from "../table.ts";

/**
 * The query flags: everything on unless turned off.
 *
 * @param args The parsed arguments.
 * @returns `includeHttps`, `includeRelay`, `includeIPv6`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resourceQuery } from "./_resources.ts";
 * assert.equal(resourceQuery({ values: { "no-relay": true }, positionals: [] }).includeRelay, false);
 * ```
 */
export function resourceQuery(
  args: ParsedArgs,
): { includeHttps: boolean; includeRelay: boolean; includeIPv6: boolean } {
  return {
    includeHttps: !flagOption(args, "no-https"),
    includeRelay: !flagOption(args, "no-relay"),
    includeIPv6: !flagOption(args, "no-ipv6"),
  };
}

/**
 * Prints resources: a table, or JSON without access tokens.
 *
 * @param out The output.
 * @param list The resources.
 * @param empty What to say when there are none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "../output.ts";
 * import { printResources } from "./_resources.ts";
 * const lines: string[] = [];
 * printResources(new Output({ stdout: { write: (t: string) => lines.push(t) } }), [], "No servers");
 * assert.equal(lines[0], "No servers\n");
 * ```
 */
export function printResources(out: Output, list: Resource[], empty: string): void {
  out.data(publicJson(list), () =>
    list.length === 0 ? empty : table(
      ["NAME", "PRODUCT", "PROVIDES", "OWNED", "PRESENCE", "CONNECTIONS", "CLIENT ID"],
      list.map((r) => [
        r.name,
        [r.product, r.productVersion].filter(Boolean).join(" "),
        r.provides.join(","),
        r.owned ? "yes" : "no",
        r.presence ? "online" : "offline",
        String(r.connections.length),
        r.clientIdentifier,
      ]),
      out.dataStyle.bold,
    ));
}
