/**
 * The devices registered to an account (`GET {url}/devices.xml`): the
 * request, the typed device and the XML parser, and the media-server filter.
 *
 * @module
 */
import { checkOk } from "../http/error_body.ts";
import { type CallOptions, ensureOk, type PlexResponse, type RequestContext, send } from "../http/send.ts";
import type { Token } from "../token.ts";
import { array, integer, object, optional, string, type Validator } from "../parse/validate.ts";
import { parseXml } from "../parse/xml.ts";
import { commaList, decimal, required } from "../parse/attribute_values.ts";
import { secret, timestamp } from "../parse/fields.ts";
import { attributesOf, expectRoot } from "../parse/xml_fields.ts";

/**
 * A device's sync list (`<SyncList itemsCompleteCount totalSize version/>`).
 *
 * @example
 * ```ts
 * import type { SyncList } from "./registered_device.ts";
 * function pending(s: SyncList): number { return s.totalSize - s.itemsCompleteCount; }
 * ```
 */
export interface SyncList {
  /** Items already synced. */
  itemsCompleteCount: number;
  /** Items in the list. */
  totalSize: number;
  /** The sync protocol version. */
  version: number;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * An address a device announced (`<Connection uri="..."/>`).
 *
 * @example
 * ```ts
 * import type { DeviceConnection } from "./registered_device.ts";
 * const connection: DeviceConnection = { uri: "http://192.168.1.2:32400" };
 * ```
 */
export interface DeviceConnection {
  /** The URI, e.g. `http://192.168.1.2:32400`. */
  uri: string;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A device registered to the account, from `/devices.xml` (the seed's
 * `RegisteredDevice`). Empty attributes are `undefined`; timestamps are
 * `Date`s; `token` is a {@linkcode Token}, so printing or serialising the
 * device never shows it. Unknown attributes are kept (as strings).
 *
 * @example
 * ```ts
 * import type { RegisteredDevice } from "./registered_device.ts";
 * function label(d: RegisteredDevice): string { return `${d.name} (${d.product}, last seen ${d.lastSeenAt?.toISOString() ?? "never"})`; }
 * ```
 */
export interface RegisteredDevice {
  /** The device id on plex.tv (for `removeDevice`). */
  id: number;
  /** The device name; `""` when the device sent none. */
  name: string;
  /** The product, e.g. `Plex Media Server`; `""` when the device sent none. */
  product: string;
  /** The device's client identifier. */
  clientIdentifier: string;
  /** The product version. */
  productVersion?: string;
  /** The platform, e.g. `Linux`. */
  platform?: string;
  /** The platform version. */
  platformVersion?: string;
  /** The device kind, e.g. `PC`. */
  device?: string;
  /** The model. */
  model?: string;
  /** The vendor. */
  vendor?: string;
  /** What the device provides: `server`, `player`, `controller`, ... */
  provides: string[];
  /** The version. */
  version?: string;
  /** The public address it was last seen from. */
  publicAddress?: string;
  /** The device's token (a secret: printing shows it redacted). */
  token?: Token;
  /** When it was registered. */
  createdAt?: Date;
  /** When it was last seen. */
  lastSeenAt?: Date;
  /** Screen resolutions, e.g. `1920x1080`. */
  screenResolution?: string;
  /** Screen density. */
  screenDensity?: number;
  /** The addresses it announced. */
  connections: DeviceConnection[];
  /** Its sync list, when it syncs. */
  syncList?: SyncList;
  /** Any other attribute. */
  [field: string]: unknown;
}

/** The sync list validator, shared with the v2 devices. */
export const syncListValidator: Validator<SyncList> = object<SyncList>({
  itemsCompleteCount: integer,
  totalSize: integer,
  version: integer,
});

/** The connection validator, shared with the v2 devices. */
export const deviceConnectionValidator: Validator<DeviceConnection> = object<DeviceConnection>({
  uri: required(string),
});

/** XML writes an unset name or product as `""`: it reads as `""`. */
const orEmpty = (value: unknown, path: string): string => (value === undefined ? "" : string(value, path));

const deviceValidator = object<RegisteredDevice>({
  id: required(integer),
  name: orEmpty,
  product: orEmpty,
  clientIdentifier: required(string),
  productVersion: optional(string),
  platform: optional(string),
  platformVersion: optional(string),
  device: optional(string),
  model: optional(string),
  vendor: optional(string),
  provides: commaList,
  version: optional(string),
  publicAddress: optional(string),
  token: secret,
  createdAt: optional(timestamp),
  lastSeenAt: optional(timestamp),
  screenResolution: optional(string),
  screenDensity: optional(decimal),
  connections: array(deviceConnectionValidator),
  syncList: optional(syncListValidator),
});

/**
 * Parses a `/devices.xml` body (`<MediaContainer><Device ...><Connection/><SyncList/></Device>`).
 *
 * @param text The XML body.
 * @returns The devices, in document order.
 * @throws {PlexError} `invalid_response` for malformed XML or a missing required attribute,
 *   naming it (e.g. `MediaContainer.Device[2].clientIdentifier is missing`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRegisteredDevices } from "./registered_device.ts";
 * const [tv] = parseRegisteredDevices(`<MediaContainer>
 *   <Device name="TV" product="Plex for Android (TV)" clientIdentifier="c1" id="7" token="abcdefghij0123456789"
 *     provides="player,controller" createdAt="1601489892" lastSeenAt="" vendor="">
 *     <Connection uri="http://192.168.1.19:32500"/>
 *   </Device></MediaContainer>`);
 * assert.ok(tv?.createdAt?.getUTCFullYear() === 2020 && tv.lastSeenAt === undefined);
 * assert.ok(tv?.provides.includes("player") && !String(tv.token).includes("abcdef"));
 * ```
 */
export function parseRegisteredDevices(text: string): RegisteredDevice[] {
  const root = expectRoot(parseXml(text), "MediaContainer");
  const docs = (root.children.Device ?? []).map((device) => ({
    ...attributesOf(device),
    connections: (device.children.Connection ?? []).map(attributesOf),
    syncList: device.children.SyncList?.[0] && attributesOf(device.children.SyncList[0]),
  }));
  return docs.map((doc, i) => deviceValidator(doc, `MediaContainer.Device[${i}]`));
}

/**
 * Whether a device is a Plex Media Server: its product is `Plex Media Server`
 * or it provides `server`.
 *
 * @param device A registered device (or anything with `product` and `provides`).
 * @returns `true` for a media server.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMediaServer } from "./registered_device.ts";
 * assert.ok(isMediaServer({ product: "Plex Media Server", provides: [] }));
 * assert.ok(!isMediaServer({ product: "Plex Web", provides: ["client"] }));
 * ```
 */
export function isMediaServer(device: { product?: string; provides: readonly string[] }): boolean {
  return device.product === "Plex Media Server" || device.provides.includes("server");
}

/**
 * Sends `GET {url}/devices.xml` (with `Accept: application/xml`).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processRegisteredDevicesResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processRegisteredDevicesResponse, registeredDevicesRequest } from "./registered_device.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const devices = processRegisteredDevicesResponse(await registeredDevicesRequest(config, token));
 * assert.ok(devices.some((device) => device.clientIdentifier === "doc-example")); // this client
 * await emulator.close();
 * ```
 */
export function registeredDevicesRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "url", path: "/devices.xml", token, accept: "xml" }, options);
}

/** What {@linkcode processRegisteredDevicesResponse} returns, from a response whose status was checked. */
function readRegisteredDevicesResponse(response: PlexResponse): RegisteredDevice[] {
  return parseRegisteredDevices(response.body);
}

/**
 * Checks a `/devices.xml` response and returns the devices.
 *
 * @param response The response, or a recorded one.
 * @returns The devices.
 * @throws {PlexError} `unauthorized`, `too_many_requests`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processRegisteredDevicesResponse } from "./registered_device.ts";
 * const devices = processRegisteredDevicesResponse({ status: 200, headers: new Headers(), url: "",
 *   body: '<MediaContainer><Device name="NAS" product="Plex Media Server" clientIdentifier="c2" id="9" provides="server"/></MediaContainer>' });
 * assert.ok(devices[0]?.id === 9 && devices[0].connections.length === 0);
 * ```
 */
export function processRegisteredDevicesResponse(response: PlexResponse): RegisteredDevice[] {
  return readRegisteredDevicesResponse(checkOk(response));
}

/**
 * Sends {@linkcode registeredDevicesRequest} and reads the answer as {@linkcode processRegisteredDevicesResponse} does, with
 * the error reader loaded when a response first fails (`Client.registeredDevices()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The devices.
 * @throws {PlexError} what {@linkcode processRegisteredDevicesResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { registeredDevices } from "./registered_device.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const list = await registeredDevices(config, token);
 * assert.ok(list.some((device) => device.clientIdentifier === "doc-example")); // this client
 * await emulator.close();
 * ```
 */
export async function registeredDevices(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<RegisteredDevice[]> {
  return readRegisteredDevicesResponse(
    await ensureOk(await registeredDevicesRequest(context, token, options)),
  );
}
