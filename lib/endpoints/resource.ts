/**
 * The account's resources (`GET {v2}/api/v2/resources`): servers and clients
 * with their connections and the access token to use against each. The
 * request sends its query (the seed drops it); the legacy XML form
 * (`/api/resources`) parses into the same type.
 *
 * @module
 */
import { checkOk } from "../http/error_body.ts";
import { optionalFlag } from "../http/options.ts";
import {
  type CallOptions,
  ensureOk,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
} from "../http/send.ts";
import type { Token } from "../token.ts";
import { array, integer, nullable, object, optional, parse, string } from "../parse/validate.ts";
import { parseXml } from "../parse/xml.ts";
import { commaList, flag, required } from "../parse/attribute_values.ts";
import { secret, timestamp } from "../parse/fields.ts";
import { attributesOf, expectRoot } from "../parse/xml_fields.ts";

/**
 * One way to reach a resource.
 *
 * @example
 * ```ts
 * import type { ResourceConnection } from "./resource.ts";
 * const lan: ResourceConnection = { protocol: "https", address: "192.168.1.150", port: 32400,
 *   uri: "https://192-168-1-150.abc.plex.direct:32400", local: true, relay: false, IPv6: false };
 * ```
 */
export interface ResourceConnection {
  /** `http` or `https`. */
  protocol: string;
  /** The host address. */
  address: string;
  /** The port. */
  port: number;
  /** The URI to use. */
  uri: string;
  /** Whether it is on the local network. */
  local: boolean;
  /** Whether it goes through Plex's relay (bandwidth-limited: a last resort). */
  relay: boolean;
  /** Whether the address is IPv6. */
  IPv6: boolean;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A resource of the account (the seed's `Resource`): a server or a client,
 * owned or shared. Use its `accessToken` — not the account token — against it;
 * it is a {@linkcode Token}, so printing or serialising a resource never shows
 * it. Unknown fields are kept.
 *
 * @example
 * ```ts
 * import type { Resource } from "./resource.ts";
 * function isServer(r: Resource): boolean { return r.provides.includes("server"); }
 * ```
 */
export interface Resource {
  /** The resource's name. */
  name: string;
  /** The product, e.g. `Plex Media Server`. */
  product: string;
  /** The product version. */
  productVersion?: string;
  /** The platform. */
  platform: string | null;
  /** The platform version. */
  platformVersion: string | null;
  /** The device kind. */
  device: string | null;
  /** The resource's client identifier (a server's machine identifier). */
  clientIdentifier: string;
  /** When it was registered. */
  createdAt: Date;
  /** When it was last seen. */
  lastSeenAt: Date;
  /** What it provides: `server`, `client`, `player`, ... */
  provides: string[];
  /** The owner's account id; `null` when the account owns it. */
  ownerId: number | null;
  /** The owner's name; `null` when owned. */
  sourceTitle: string | null;
  /** Its public address. */
  publicAddress?: string;
  /** The token to use against this resource (a secret: printing shows it redacted). */
  accessToken?: Token;
  /** Whether the account owns it. */
  owned: boolean;
  /** Whether it belongs to the account's home. */
  home: boolean;
  /** Whether it is synced. */
  synced: boolean;
  /** Whether relay connections are allowed. */
  relay: boolean;
  /** Whether it is online. */
  presence: boolean;
  /** Whether it accepts https only. */
  httpsRequired: boolean;
  /** Whether its public address matches the caller's. */
  publicAddressMatches: boolean;
  /** Whether DNS rebinding protection is on. */
  dnsRebindingProtection: boolean;
  /** Whether NAT loopback works. */
  natLoopbackSupported: boolean;
  /** Ways to reach it. */
  connections: ResourceConnection[];
  /** Any other field. */
  [field: string]: unknown;
}

const connectionValidator = object<ResourceConnection>({
  protocol: required(string),
  address: required(string),
  port: required(integer),
  uri: required(string),
  local: flag,
  relay: flag,
  IPv6: flag,
});

const resourceValidator = object<Resource>({
  name: required(string),
  product: required(string),
  productVersion: optional(string),
  platform: nullable(string),
  platformVersion: nullable(string),
  device: nullable(string),
  clientIdentifier: required(string),
  createdAt: required(timestamp),
  lastSeenAt: required(timestamp),
  provides: commaList,
  ownerId: nullable(integer),
  sourceTitle: nullable(string),
  publicAddress: optional(string),
  accessToken: secret,
  owned: flag,
  home: flag,
  synced: flag,
  relay: flag,
  presence: flag,
  httpsRequired: flag,
  publicAddressMatches: flag,
  dnsRebindingProtection: flag,
  natLoopbackSupported: flag,
  connections: array(connectionValidator),
});

/**
 * Validates a parsed `/api/v2/resources` document (a JSON array).
 *
 * @param doc The parsed JSON.
 * @returns The resources.
 * @throws {PlexError} `invalid_response` naming the first wrong field, e.g. `[0].connections[1].port`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseResources } from "./resource.ts";
 * const [server] = parseResources([{ name: "NAS", product: "Plex Media Server", clientIdentifier: "m1",
 *   createdAt: "2020-01-12T15:30:18Z", lastSeenAt: "2024-09-05T03:15:45Z", provides: "server", ownerId: null,
 *   accessToken: "abcdefghij0123456789", owned: true, connections: [] }]);
 * assert.ok(server?.owned && server.provides[0] === "server" && !JSON.stringify(server).includes("abcdef"));
 * ```
 */
export function parseResources(doc: unknown): Resource[] {
  return parse(array(resourceValidator), doc);
}

/**
 * Parses the legacy XML form (`GET {url}/api/resources`:
 * `<MediaContainer><Device ...><Connection .../></Device>`), where
 * timestamps are unix seconds and flags are `1`/`0`.
 *
 * @param text The XML body.
 * @returns The resources.
 * @throws {PlexError} `invalid_response` for malformed XML or a missing required attribute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseResourcesXml } from "./resource.ts";
 * const [server] = parseResourcesXml(`<MediaContainer size="1">
 *   <Device name="NAS" product="Plex Media Server" clientIdentifier="m1" createdAt="1429510140" lastSeenAt="1605500006"
 *     provides="server" owned="1" accessToken="abcdefghij0123456789">
 *     <Connection protocol="https" address="1.2.3.4" port="32400" uri="https://1-2-3-4.x.plex.direct:32400" local="1"/>
 *   </Device></MediaContainer>`);
 * assert.ok(server?.connections[0]?.port === 32400 && server.connections[0].relay === false);
 * ```
 */
export function parseResourcesXml(text: string): Resource[] {
  const root = expectRoot(parseXml(text), "MediaContainer");
  return (root.children.Device ?? []).map((device, i) =>
    resourceValidator({
      ...attributesOf(device),
      connections: (device.children.Connection ?? []).map(attributesOf),
    }, `MediaContainer.Device[${i}]`)
  );
}

/**
 * Which connections `/api/v2/resources` should list.
 *
 * @example
 * ```ts
 * import type { ResourcesOptions } from "./resource.ts";
 * const noRelay: ResourcesOptions = { includeRelay: false };
 * ```
 */
export interface ResourcesOptions extends CallOptions {
  /** List https (`*.plex.direct`) connections. Default `true`. */
  includeHttps?: boolean;
  /** List relay connections. Default `true`. */
  includeRelay?: boolean;
  /** List IPv6 connections. Default `true`. */
  includeIPv6?: boolean;
}

/** A switch of the resources query: `1` unless it is `false` (anything but a boolean is refused). */
const bit = (value: unknown, name: string): string => optionalFlag(value, name, true) ? "1" : "0";

/**
 * Sends `GET {v2}/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1`
 * (each `1` or `0` from the options; all `1` by default).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Which connections to list, and call options.
 * @returns The raw response; pass it to {@linkcode processResourcesResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processResourcesResponse, resourcesRequest } from "./resource.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const resources = processResourcesResponse(await resourcesRequest(config, token, { includeRelay: false }));
 * assert.ok(resources.some((resource) => resource.name === "Emulated Server"));
 * assert.ok(resources.every((resource) => resource.connections.every((connection) => !connection.relay)));
 * await emulator.close();
 * ```
 */
export function resourcesRequest(
  context: RequestContext,
  token: Token | string,
  options: ResourcesOptions = {},
): Promise<PlexResponse> {
  return send(context, {
    method: "GET",
    host: "v2Url",
    path: "/api/v2/resources",
    query: {
      includeHttps: bit(options.includeHttps, "includeHttps"),
      includeRelay: bit(options.includeRelay, "includeRelay"),
      includeIPv6: bit(options.includeIPv6, "includeIPv6"),
    },
    token,
  }, options);
}

/** What {@linkcode processResourcesResponse} returns, from a response whose status was checked. */
function readResourcesResponse(response: PlexResponse): Resource[] {
  return parseResources(readJson(response));
}

/**
 * Checks a `/api/v2/resources` response and returns the resources.
 *
 * @param response The response, or a recorded one.
 * @returns The resources.
 * @throws {PlexError} `unauthorized`, `too_many_requests`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processResourcesResponse } from "./resource.ts";
 * assert.equal(processResourcesResponse({ status: 200, headers: new Headers(), url: "", body: "[]" }).length, 0);
 * ```
 */
export function processResourcesResponse(response: PlexResponse): Resource[] {
  return readResourcesResponse(checkOk(response));
}

/**
 * Sends {@linkcode resourcesRequest} and reads the answer as {@linkcode processResourcesResponse} does, with
 * the error reader loaded when a response first fails (`Client.resources()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The resources.
 * @throws {PlexError} what {@linkcode processResourcesResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { resources } from "./resource.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const list = await resources(config, token, { includeRelay: false });
 * assert.ok(list.some((resource) => resource.name === "Emulated Server" && resource.accessToken));
 * assert.ok(list.every((resource) => resource.connections.every((connection) => !connection.relay)));
 * await emulator.close();
 * ```
 */
export async function resources(
  context: RequestContext,
  token: Token | string,
  options: ResourcesOptions = {},
): Promise<Resource[]> {
  return readResourcesResponse(await ensureOk(await resourcesRequest(context, token, options)));
}
