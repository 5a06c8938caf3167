/**
 * The device lists: `GET /devices.xml` (shaped like the real capture
 * `devices.xml`: `<Device>` attributes, `<SyncList>` on sync targets,
 * `<Connection uri>`; times in unix seconds) and `GET /api/v2/devices` (the
 * same devices as JSON).
 *
 * @module
 */
import type { DeviceRecord } from "../state/devices.ts";
import { escapeXml, xmlAttributes } from "../xml_text.ts";

/** A device as the lists show it: its `<Device>` attributes and connection URIs. */
export interface BuiltinDevice {
  /** The `<Device>` attributes. */
  attributes: Record<string, string>;
  /** The `<Connection uri>` values. */
  connections: string[];
}

/** The devices every account has, before any client signs in to the emulator. */
export const BUILTIN_DEVICES: readonly BuiltinDevice[] = [
  {
    attributes: {
      name: "Emulated Server",
      publicAddress: "203.0.113.7",
      product: "Plex Media Server",
      productVersion: "1.41.3.9314-a0bfb8370",
      platform: "Linux",
      platformVersion: "6.1.0",
      device: "PC",
      model: "x86_64",
      vendor: "Debian",
      provides: "server",
      clientIdentifier: "5f0e3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
      version: "1.41.3.9314-a0bfb8370",
      id: "600000001",
      token: "srvTokenEmulated0001",
      createdAt: "1600000000",
      lastSeenAt: "1700000000",
      screenResolution: "",
      screenDensity: "",
    },
    connections: ["http://127.0.0.1:32400", "https://127.0.0.1:32401"],
  },
  {
    attributes: {
      name: "Living Room TV",
      publicAddress: "203.0.113.7",
      product: "Plex for Android (TV)",
      productVersion: "10.18.0",
      platform: "Android",
      platformVersion: "12",
      device: "BRAVIA",
      model: "sony_tv",
      vendor: "Sony",
      provides: "client,controller,player,pubsub-player",
      clientIdentifier: "c0ffee00c0ffee00-emulated-tv",
      version: "10.18.0",
      id: "600000002",
      token: "tvTokenEmulated00002",
      createdAt: "1650000000",
      lastSeenAt: "1700000500",
      screenResolution: "1920x1080",
      screenDensity: "2",
    },
    connections: ["http://127.0.0.1:32500"],
  },
  {
    attributes: {
      name: "Emulated iPhone",
      publicAddress: "203.0.113.7",
      product: "Plex for iOS",
      productVersion: "8.40",
      platform: "iOS",
      platformVersion: "17.5",
      device: "iPhone",
      model: "15,2",
      vendor: "Apple",
      provides: "client,controller,sync-target,player,pubsub-player,provider-playback",
      clientIdentifier: "E1A2B3C4-D5E6-4F70-8192-A3B4C5D6E7F8",
      version: "8.40",
      id: "600000003",
      token: "phoneTokenEmulated03",
      createdAt: "1680000000",
      lastSeenAt: "1700000900",
      screenResolution: "1179x2556",
      screenDensity: "3",
    },
    connections: ["http://127.0.0.1:32501"],
  },
];

/**
 * A device signed in to the emulator, as the lists show it.
 *
 * @param device The device record.
 * @param token Its current token, if any.
 * @returns The attributes and connections.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deviceView } from "./devices.ts";
 * const view = deviceView({ id: 7, clientId: "c", userId: 1, info: { product: "Tool" }, createdAt: 1, lastSeenAt: 2 }, "t");
 * assert.ok(view.attributes.name === "Tool" && view.attributes.token === "t");
 * ```
 */
export function deviceView(device: DeviceRecord, token: string | undefined): BuiltinDevice {
  const info = device.info;
  return {
    attributes: {
      name: info.deviceName ?? info.product ?? "",
      publicAddress: "127.0.0.1",
      product: info.product ?? "",
      productVersion: info.version ?? "",
      platform: info.platform ?? "",
      platformVersion: info.platformVersion ?? "",
      device: info.device ?? "",
      model: info.model ?? "",
      vendor: info.deviceVendor ?? "",
      provides: info.provides ?? "",
      clientIdentifier: device.clientId,
      version: info.version ?? "",
      id: String(device.id),
      token: token ?? "",
      createdAt: String(device.createdAt),
      lastSeenAt: String(device.lastSeenAt),
      screenResolution: "",
      screenDensity: "",
    },
    connections: [],
  };
}

function deviceXml(device: BuiltinDevice): string {
  const sync = device.attributes.provides?.split(",").includes("sync-target")
    ? `        <SyncList itemsCompleteCount="0" totalSize="0" version="2"/>\n`
    : "";
  const inner = device.connections.map((uri) => `        <Connection uri="${escapeXml(uri)}"/>\n`).join("");
  return `    <Device${xmlAttributes(device.attributes)}>\n${sync}${inner}    </Device>\n`;
}

/**
 * The `/devices.xml` document: the payload file's devices (or the built-in
 * ones still listed) followed by the devices signed in to the emulator.
 *
 * @param builtin The built-in devices to list.
 * @param registered The account's devices signed in to the emulator.
 * @param payload The `devices.xml` payload file, if any.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_DEVICES, devicesXml } from "./devices.ts";
 * assert.ok(devicesXml(BUILTIN_DEVICES, [], undefined).includes("<SyncList"));
 * ```
 */
export function devicesXml(
  builtin: readonly BuiltinDevice[],
  registered: BuiltinDevice[],
  payload: string | undefined,
): string {
  const added = registered.map(deviceXml).join("");
  if (payload !== undefined) {
    const end = payload.lastIndexOf("</MediaContainer>");
    if (end >= 0) return payload.slice(0, end) + added + payload.slice(end);
  }
  return `<MediaContainer publicAddress="203.0.113.7">\n${
    builtin.map(deviceXml).join("")
  }${added}</MediaContainer>\n`;
}

/**
 * The v2 device list (`GET /api/v2/devices`): the same devices as JSON, typed as the Go seed's
 * `PlexTVDevice` documents this answer: `id` and `screenDensity` numbers (`screenDensity` null when
 * the XML has none), dates ISO.
 *
 * @param devices The devices.
 * @returns The JSON array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_DEVICES, devicesJson } from "./devices.ts";
 * assert.equal(devicesJson(BUILTIN_DEVICES)[0]?.product, "Plex Media Server");
 * assert.equal(devicesJson(BUILTIN_DEVICES)[1]?.screenDensity, 2);
 * ```
 */
export function devicesJson(devices: readonly BuiltinDevice[]): Record<string, unknown>[] {
  const iso = (seconds: string | undefined) =>
    seconds ? new Date(Number(seconds) * 1000).toISOString().replace(".000", "") : null;
  return devices.map((d) => ({
    ...d.attributes,
    id: Number(d.attributes.id),
    screenDensity: d.attributes.screenDensity ? Number(d.attributes.screenDensity) : null,
    createdAt: iso(d.attributes.createdAt),
    lastSeenAt: iso(d.attributes.lastSeenAt),
    connections: d.connections.map((uri) => ({ uri })),
  }));
}
