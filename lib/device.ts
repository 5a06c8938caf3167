/**
 * The device description sent to plex.tv as `X-Plex-*` headers; it is what
 * the user sees under Authorized Devices.
 *
 * @module
 */
import { PlexError } from "./errors.ts";

/**
 * Identifies the client to plex.tv. Only non-empty fields are sent.
 *
 * @example
 * ```ts
 * import type { Device } from "./device.ts";
 * const device: Device = { product: "My Dashboard", version: "1.2.0", deviceName: "living-room-pi" };
 * ```
 */
export interface Device {
  /** `X-Plex-Product`: the product name, shown on line 3 of Authorized Devices. */
  product?: string;
  /** `X-Plex-Version`: the product version, line 2. */
  version?: string;
  /** `X-Plex-Platform`: the operating system or runtime. */
  platform?: string;
  /** `X-Plex-Platform-Version`. */
  platformVersion?: string;
  /** `X-Plex-Device`: a friendly device kind, line 4. */
  device?: string;
  /** `X-Plex-Model`. */
  model?: string;
  /** `X-Plex-Device-Vendor`. */
  deviceVendor?: string;
  /** `X-Plex-Device-Name`: the friendly name, line 1. */
  deviceName?: string;
  /** `X-Plex-Provides`, e.g. `controller`. */
  provides?: string;
}

/**
 * The `X-Plex-*` header name of each {@linkcode Device} field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEVICE_HEADER_NAMES } from "./device.ts";
 * assert.equal(DEVICE_HEADER_NAMES.deviceName, "X-Plex-Device-Name");
 * ```
 */
export const DEVICE_HEADER_NAMES: Readonly<Record<keyof Device, string>> = {
  product: "X-Plex-Product",
  version: "X-Plex-Version",
  platform: "X-Plex-Platform",
  platformVersion: "X-Plex-Platform-Version",
  device: "X-Plex-Device",
  model: "X-Plex-Model",
  deviceVendor: "X-Plex-Device-Vendor",
  deviceName: "X-Plex-Device-Name",
  provides: "X-Plex-Provides",
};

/**
 * The `X-Plex-*` headers for a device, skipping empty fields.
 *
 * @param device The device.
 * @returns Header names and values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deviceHeaders } from "./device.ts";
 * const headers = deviceHeaders({ product: "plextv", model: "" });
 * assert.ok(headers["X-Plex-Product"] === "plextv" && !("X-Plex-Model" in headers));
 * ```
 */
export function deviceHeaders(device: Device): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [field, name] of DEVICE_HEADERS) {
    const value = device[field];
    if (value) headers[name] = value;
  }
  return headers;
}

/** The fields and header names, listed once: every request builds its headers from them. */
const DEVICE_HEADERS = Object.entries(DEVICE_HEADER_NAMES) as [keyof Device, string][];

/**
 * The same fields as `context[device][...]` parameters of the Plex auth app URL.
 *
 * @param device The device.
 * @returns Parameter names and values, e.g. `context[device][product]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deviceContextParams } from "./device.ts";
 * assert.equal(deviceContextParams({ product: "plextv" })["context[device][product]"], "plextv");
 * ```
 */
export function deviceContextParams(device: Device): Record<string, string> {
  const params: Record<string, string> = {};
  for (const field of Object.keys(DEVICE_HEADER_NAMES) as (keyof Device)[]) {
    const value = device[field];
    if (value) params[`context[device][${field === "deviceVendor" ? "vendor" : field}]`] = value;
  }
  return params;
}

/**
 * Checks a device description before a configuration takes it: every field
 * is one of {@linkcode DEVICE_HEADER_NAMES}, and a plain value is a string
 * (an empty one, `null` or `undefined` leaves its header out). A getter is read, and its value
 * checked, when a request first needs the headers.
 *
 * @param device The device fields.
 * @returns The same fields.
 * @throws {PlexError} `invalid_argument` for a field that is no device field, or a value that is not a string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDevice } from "./device.ts";
 * checkDevice({ product: "My App", version: "1.0" });
 * assert.throws(() => checkDevice({ product: 5 } as never), { code: "invalid_argument" });
 * assert.throws(() => checkDevice({ name: "My App" } as never), { code: "invalid_argument" });
 * ```
 */
export function checkDevice(device: Device): Device {
  if (typeof device !== "object" || device === null) {
    throw new PlexError(
      "invalid_argument",
      'A device description is an object, such as { product: "My App" }',
    );
  }
  for (const [field, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(device))) {
    if (!Object.hasOwn(DEVICE_HEADER_NAMES, field)) {
      throw new PlexError("invalid_argument", `There is no device field ${field}`, {
        hint: `The fields are ${Object.keys(DEVICE_HEADER_NAMES).join(", ")}`,
      });
    }
    if ("value" in descriptor && descriptor.value != null && typeof descriptor.value !== "string") {
      throw new PlexError("invalid_argument", `The device field ${field} must be a string`);
    }
  }
  return device;
}

/**
 * A frozen copy of a device description that keeps a getter as a getter, so
 * a value its owner computes on first use (the CLI's host name and OS
 * release, which need `node:os`) is computed when a request first needs the
 * headers, not when a `Config` is made.
 *
 * @param device The device fields, plain values or getters.
 * @returns The frozen copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frozenDevice } from "./device.ts";
 * let reads = 0;
 * const device = frozenDevice({ product: "My App", get deviceName() { reads++; return "host"; } });
 * assert.ok(Object.isFrozen(device) && reads === 0);
 * assert.equal(device.deviceName, "host");
 * ```
 */
export function frozenDevice(device: Device): Device {
  return Object.freeze(Object.defineProperties({}, Object.getOwnPropertyDescriptors(device)));
}
