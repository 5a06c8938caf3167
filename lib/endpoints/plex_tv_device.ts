/**
 * The account's devices in JSON (`GET {v2}/api/v2/devices`, the seed's
 * `PlexTVDevice`): the request, the typed device and its parser.
 *
 * @module
 */
import { checkOk } from "../http/error_body.ts";
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
import { commaList, decimal, flag, required } from "../parse/attribute_values.ts";
import { list, secret, timestamp } from "../parse/fields.ts";
import {
  type DeviceConnection,
  deviceConnectionValidator,
  type SyncList,
  syncListValidator,
} from "./registered_device.ts";

/**
 * A device of the account as `/api/v2/devices` returns it. Timestamps are
 * `Date`s; `token` is a {@linkcode Token}, so printing or serialising the
 * device never shows it. Unknown fields are kept.
 *
 * @example
 * ```ts
 * import type { PlexTvDevice } from "./plex_tv_device.ts";
 * function online(d: PlexTvDevice): boolean { return d.presence; }
 * ```
 */
export interface PlexTvDevice {
  /** The device id on plex.tv (for `removeDevice`). */
  id: number;
  /** The device name. */
  name: string;
  /** The product. */
  product: string;
  /** The product version. */
  productVersion?: string;
  /** The device's client identifier. */
  clientIdentifier: string;
  /** The platform. */
  platform: string | null;
  /** The platform version. */
  platformVersion: string | null;
  /** The device kind. */
  device: string | null;
  /** The model. */
  model: string | null;
  /** The vendor. */
  vendor: string | null;
  /** What the device provides. */
  provides: string[];
  /** The device's token (a secret: printing shows it redacted). */
  token?: Token;
  /** The public address it was last seen from. */
  publicAddress?: string;
  /** Screen resolutions. */
  screenResolution?: string;
  /** Screen density. */
  screenDensity?: number;
  /** When it was registered. */
  createdAt: Date;
  /** When it was last seen. */
  lastSeenAt?: Date;
  /** Whether it is online. */
  presence: boolean;
  /** The addresses it announced. */
  connections: DeviceConnection[];
  /** Its sync lists. */
  syncLists: SyncList[];
  /** Any other field. */
  [field: string]: unknown;
}

const plexTvDeviceValidator = object<PlexTvDevice>({
  id: required(integer),
  name: required(string),
  product: required(string),
  productVersion: optional(string),
  clientIdentifier: required(string),
  platform: nullable(string),
  platformVersion: nullable(string),
  device: nullable(string),
  model: nullable(string),
  vendor: nullable(string),
  provides: commaList,
  token: secret,
  publicAddress: optional(string),
  screenResolution: optional(string),
  screenDensity: optional(decimal),
  createdAt: required(timestamp),
  lastSeenAt: optional(timestamp),
  presence: flag,
  connections: list(deviceConnectionValidator),
  syncLists: list(syncListValidator),
});

/**
 * Validates a parsed `/api/v2/devices` document (a JSON array).
 *
 * @param doc The parsed JSON.
 * @returns The devices.
 * @throws {PlexError} `invalid_response` naming the first wrong field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePlexTvDevices } from "./plex_tv_device.ts";
 * const [phone] = parsePlexTvDevices([{ id: 1, name: "iPhone", product: "Plex for iOS", clientIdentifier: "c1",
 *   createdAt: "2021-10-02T17:06:40Z", token: "abcdefghij0123456789", provides: "client,player" }]);
 * assert.ok(phone?.provides.length === 2 && phone.syncLists.length === 0);
 * ```
 */
export function parsePlexTvDevices(doc: unknown): PlexTvDevice[] {
  return parse(array(plexTvDeviceValidator), doc);
}

/**
 * Sends `GET {v2}/api/v2/devices`.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processPlexTvDevicesResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { plexTvDevicesRequest, processPlexTvDevicesResponse } from "./plex_tv_device.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const devices = processPlexTvDevicesResponse(await plexTvDevicesRequest(config, token));
 * assert.ok(devices.some((device) => device.name === "Living Room TV"));
 * await emulator.close();
 * ```
 */
export function plexTvDevicesRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "v2Url", path: "/api/v2/devices", token }, options);
}

/** What {@linkcode processPlexTvDevicesResponse} returns, from a response whose status was checked. */
function readPlexTvDevicesResponse(response: PlexResponse): PlexTvDevice[] {
  return parsePlexTvDevices(readJson(response));
}

/**
 * Checks a `/api/v2/devices` response and returns the devices.
 *
 * @param response The response, or a recorded one.
 * @returns The devices.
 * @throws {PlexError} `unauthorized`, `too_many_requests`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processPlexTvDevicesResponse } from "./plex_tv_device.ts";
 * assert.equal(processPlexTvDevicesResponse({ status: 200, headers: new Headers(), url: "", body: "[]" }).length, 0);
 * ```
 */
export function processPlexTvDevicesResponse(response: PlexResponse): PlexTvDevice[] {
  return readPlexTvDevicesResponse(checkOk(response));
}

/**
 * Sends {@linkcode plexTvDevicesRequest} and reads the answer as {@linkcode processPlexTvDevicesResponse} does, with
 * the error reader loaded when a response first fails (`Client.devices()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The devices.
 * @throws {PlexError} what {@linkcode processPlexTvDevicesResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { devices } from "./plex_tv_device.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const list = await devices(config, token);
 * assert.ok(list.some((device) => device.name === "Living Room TV" && !device.presence));
 * await emulator.close();
 * ```
 */
export async function devices(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexTvDevice[]> {
  return readPlexTvDevicesResponse(await ensureOk(await plexTvDevicesRequest(context, token, options)));
}
