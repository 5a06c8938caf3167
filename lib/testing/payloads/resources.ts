/**
 * The resources of `GET /api/v2/resources`: built-in ones shaped like the
 * real capture `resources.json` and plex-api-spec's PlexDevice (every
 * resource has a string `accessToken`), connection filtering by
 * `includeHttps`/`includeRelay`/`includeIPv6`, and the XML form python-plexapi
 * reads (`<resource>` with `<connections><connection/>`).
 *
 * @module
 */
import type { ResourceConnection } from "../../endpoints/resource.ts";
import { XML_PROLOG } from "../respond.ts";
import { xmlAttributes } from "../xml_text.ts";

function conn(
  protocol: string,
  address: string,
  port: number,
  uri: string,
  local: boolean,
  relay: boolean,
  IPv6: boolean,
): ResourceConnection {
  return { protocol, address, port, uri, local, relay, IPv6 };
}

/** The built-in server's machine identifier. */
export const SERVER_MACHINE_ID = "5f0e3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f";

/**
 * The built-in resources: an owned server with local, remote, IPv6 and relay
 * connections, and a player.
 *
 * @param serverToken The `accessToken` to hand out for the server.
 * @returns The resources, shaped like `/api/v2/resources`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { builtinResources } from "./resources.ts";
 * const [server, player] = builtinResources("t");
 * assert.ok(server?.provides === "server" && typeof player?.accessToken === "string");
 * ```
 */
export function builtinResources(serverToken: string): Record<string, unknown>[] {
  // Every connection points at loopback: a tool that dials them never leaves the machine.
  const connections: ResourceConnection[] = [
    conn("https", "127.0.0.1", 32401, "https://127.0.0.1:32401", true, false, false),
    conn("http", "127.0.0.1", 32400, "http://127.0.0.1:32400", true, false, false),
    conn("https", "127.0.0.2", 32402, "https://127.0.0.2:32402", false, false, false),
    conn("https", "::1", 32403, "https://[::1]:32403", false, false, true),
    conn("https", "127.0.0.3", 32404, "https://127.0.0.3:32404", false, true, false),
  ];
  const common = {
    ownerId: null,
    sourceTitle: null,
    publicAddress: "203.0.113.7",
    owned: true,
    home: false,
    synced: false,
    httpsRequired: false,
    publicAddressMatches: true,
    dnsRebindingProtection: false,
  };
  return [{
    name: "Emulated Server",
    product: "Plex Media Server",
    productVersion: "1.41.3.9314-a0bfb8370",
    platform: "Linux",
    platformVersion: "6.1.0",
    device: "PC",
    clientIdentifier: SERVER_MACHINE_ID,
    createdAt: "2020-09-13T12:26:40Z",
    lastSeenAt: "2023-11-14T22:13:20Z",
    provides: "server",
    ...common,
    accessToken: serverToken,
    relay: true,
    presence: true,
    natLoopbackSupported: true,
    connections,
  }, {
    name: "Living Room TV",
    product: "Plex for Android (TV)",
    productVersion: "10.18.0",
    platform: "Android",
    platformVersion: "12",
    device: "BRAVIA",
    clientIdentifier: "c0ffee00c0ffee00-emulated-tv",
    createdAt: "2022-04-15T05:20:00Z",
    lastSeenAt: "2023-11-14T22:21:40Z",
    provides: "client,controller,player,pubsub-player",
    ...common,
    accessToken: "tvTokenEmulated00002",
    relay: false,
    presence: false,
    natLoopbackSupported: false,
    connections: [conn("http", "127.0.0.1", 32500, "http://127.0.0.1:32500", true, false, false)],
  }];
}

/**
 * Filters resource connections like plex.tv: https ones only with
 * `includeHttps=1`, relay ones only with `includeRelay=1`, IPv6 ones only with `includeIPv6=1`.
 *
 * @param resources The resources.
 * @param query The request's query.
 * @returns Copies with the connections filtered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { builtinResources, filterResources } from "./resources.ts";
 * const [server] = filterResources(builtinResources("t"), new URLSearchParams());
 * assert.equal((server?.connections as unknown[]).length, 1);
 * ```
 */
export function filterResources(
  resources: Record<string, unknown>[],
  query: URLSearchParams,
): Record<string, unknown>[] {
  const on = (name: string) => query.get(name) === "1" || query.get(name) === "true";
  return resources.map((r) => ({
    ...r,
    connections: ((r.connections as ResourceConnection[] | undefined) ?? []).filter((c) =>
      (on("includeHttps") || c.protocol !== "https") && (on("includeRelay") || !c.relay) &&
      (on("includeIPv6") || !c.IPv6)
    ),
  }));
}

/**
 * The XML form of `/api/v2/resources` (when `Accept` is not JSON).
 *
 * @param resources The resources (already filtered).
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { builtinResources, resourcesXml } from "./resources.ts";
 * assert.match(resourcesXml(builtinResources("t")), /<connection protocol="https"/);
 * ```
 */
export function resourcesXml(resources: Record<string, unknown>[]): string {
  const items = resources.map((resource) => {
    const { connections, ...attributes } = resource;
    const inner = ((connections as ResourceConnection[] | undefined) ?? [])
      .map((c) => `      <connection${xmlAttributes({ ...c })}/>\n`).join("");
    return `  <resource${
      xmlAttributes(attributes)
    }>\n    <connections>\n${inner}    </connections>\n  </resource>\n`;
  }).join("");
  return `${XML_PROLOG}<resources size="${resources.length}">\n${items}</resources>\n`;
}
