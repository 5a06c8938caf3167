/**
 * Token upkeep: keep a legacy token alive (`GET {url}/api/v2/ping`), revoke it
 * (`DELETE {url}/api/v2/users/signout`), and remove a registered device with
 * its token (`DELETE {url}/devices/{id}.xml`).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkOk } from "../http/error_body.ts";
import { type CallOptions, ensureOk, type PlexResponse, type RequestContext, send } from "../http/send.ts";
import type { Token } from "../token.ts";

/**
 * Sends `GET {url}/api/v2/ping`, which keeps a legacy token alive.
 *
 * @param context The configuration.
 * @param token The token to keep alive.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processEmptyResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { pingRequest, processEmptyResponse } from "./upkeep.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * processEmptyResponse(await pingRequest(config, token)); // throws unless plex.tv accepts the token
 * const refused = await pingRequest(config, "not-a-token");
 * assert.throws(() => processEmptyResponse(refused), { code: "unauthorized" });
 * await emulator.close();
 * ```
 */
export function pingRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "url", path: "/api/v2/ping", token }, options);
}

/**
 * Sends `DELETE {url}/api/v2/users/signout`, which revokes the token.
 *
 * @param context The configuration.
 * @param token The token to revoke.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processEmptyResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { pingRequest, processEmptyResponse, signOutRequest } from "./upkeep.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * processEmptyResponse(await signOutRequest(config, token));
 * const after = await pingRequest(config, token); // the token is revoked
 * assert.throws(() => processEmptyResponse(after), { code: "unauthorized" });
 * await emulator.close();
 * ```
 */
export function signOutRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "DELETE", host: "url", path: "/api/v2/users/signout", token }, options);
}

/**
 * Checks a device to remove: a positive integer id, or a device with one.
 *
 * @param device The device, or its id.
 * @returns The id.
 * @throws {PlexError} `invalid_argument` otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deviceId } from "./upkeep.ts";
 * assert.equal(deviceId({ id: 7 }), 7);
 * assert.throws(() => deviceId("abc"), { code: "invalid_argument" });
 * ```
 */
export function deviceId(device: number | string | { id: number }): number | string {
  const id = typeof device === "object" && device !== null ? device.id : device;
  if (!/^[1-9]\d*$/.test(String(id)) || !Number.isSafeInteger(Number(id))) {
    throw new PlexError("invalid_argument", "A device id is a positive integer");
  }
  return id;
}

/**
 * Sends `DELETE {url}/devices/{id}.xml`, which removes a registered device
 * (and revokes its token).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param device The device id (as `registeredDevices()` or `devices()` report it), or the device.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processEmptyResponse}.
 * @throws {PlexError} `invalid_argument` when the id is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processRegisteredDevicesResponse, registeredDevicesRequest } from "./registered_device.ts";
 * import { processEmptyResponse, removeDeviceRequest } from "./upkeep.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const devices = processRegisteredDevicesResponse(await registeredDevicesRequest(config, token));
 * const tv = devices.find((device) => device.name === "Living Room TV")!;
 * processEmptyResponse(await removeDeviceRequest(config, token, tv));
 * const again = await removeDeviceRequest(config, token, tv);
 * assert.throws(() => processEmptyResponse(again), { code: "not_found" });
 * await emulator.close();
 * ```
 */
export function removeDeviceRequest(
  context: RequestContext,
  token: Token | string,
  device: number | string | { id: number },
  options: CallOptions = {},
): Promise<PlexResponse> {
  const id = deviceId(device);
  return send(
    context,
    { method: "DELETE", host: "url", path: `/devices/${id}.xml`, token, accept: "xml" },
    options,
  );
}

/**
 * Checks a response whose body does not matter (ping, sign-out, device removal).
 *
 * @param response The response, or a recorded one.
 * @throws {PlexError} `unauthorized`, `not_found`, `too_many_requests`, `server_error`, ...
 *
 * @example
 * ```ts
 * import { processEmptyResponse } from "./upkeep.ts";
 * processEmptyResponse({ status: 204, headers: new Headers(), url: "", body: "" });
 * ```
 */
export function processEmptyResponse(response: PlexResponse): void {
  checkOk(response);
}

/**
 * Sends {@linkcode pingRequest} and reads the answer as {@linkcode processEmptyResponse} does, with
 * the error reader loaded when a response first fails (`Client.ping()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns Nothing, once plex.tv answered.
 * @throws {PlexError} what {@linkcode processEmptyResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { ping } from "./upkeep.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * await ping(config, token); // resolves: plex.tv accepts the token
 * await assert.rejects(ping(config, "not-a-token"), { code: "unauthorized" });
 * await emulator.close();
 * ```
 */
export async function ping(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<void> {
  await ensureOk(await pingRequest(context, token, options));
}

/**
 * Sends {@linkcode signOutRequest} and reads the answer as {@linkcode processEmptyResponse} does, with
 * the error reader loaded when a response first fails (`Client.signOut()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns Nothing, once signed out.
 * @throws {PlexError} what {@linkcode processEmptyResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { ping, signOut } from "./upkeep.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * await signOut(config, token);
 * await assert.rejects(ping(config, token), { code: "unauthorized" }); // the token is revoked
 * await emulator.close();
 * ```
 */
export async function signOut(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<void> {
  await ensureOk(await signOutRequest(context, token, options));
}

/**
 * Sends {@linkcode removeDeviceRequest} and reads the answer as {@linkcode processEmptyResponse} does, with
 * the error reader loaded when a response first fails (`Client.removeDevice()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param device The device or its id.
 * @param options Call options.
 * @returns Nothing, once removed.
 * @throws {PlexError} what {@linkcode processEmptyResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { registeredDevices } from "./registered_device.ts";
 * import { removeDevice } from "./upkeep.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const tv = (await registeredDevices(config, token)).find((device) => device.name === "Living Room TV")!;
 * await removeDevice(config, token, tv);
 * assert.ok(!(await registeredDevices(config, token)).some((device) => device.id === tv.id));
 * await emulator.close();
 * ```
 */
export async function removeDevice(
  context: RequestContext,
  token: Token | string,
  device: number | string | { id: number },
  options: CallOptions = {},
): Promise<void> {
  await ensureOk(await removeDeviceRequest(context, token, device, options));
}
