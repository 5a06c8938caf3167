/**
 * The bodies the plex.tv emulator answers with: built-in ones shaped like
 * plex.tv's (own fake data), or files from a payload folder
 * (`startEmulator({ payloads: dir })`), read at start, never copied.
 *
 * Files used from a payload folder when present:
 * - `user.json`, `user.xml`: `GET /api/v2/user` (JSON / XML); `authToken` is replaced by the caller's token
 * - `signin.json`: `POST /api/v2/users/signin`; `authToken` is replaced by the issued token
 * - `devices.xml`: `GET /devices.xml`; the devices signed in to the emulator are added to it
 * - `resources.json`: `GET /api/v2/resources`, its connections filtered by `includeHttps`/`includeRelay`/`includeIPv6`
 * - `pin_create.json`: only its `location` is copied into PINs
 * - `invites.xml`: `GET /api/invites/requested` and `/api/invites/requests`
 * - `resources_v1.xml`: `GET /api/resources`; `users_v1.xml`: `GET /api/users`
 * - `openid_configuration.json`: `GET /.well-known/openid-configuration`
 *
 * `jwks.json` is never used: the emulator signs with its own keys and serves
 * those at `/api/v2/auth/keys` (plex.tv's private key is not public).
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResourceConnection } from "../endpoints/resource.ts";
import type { EmulatorUser } from "./accounts.ts";
import { escapeXml, xmlAttributes } from "./xml_text.ts";
import type { DeviceRecord, PinRecord } from "./state.ts";

/** The payload file names the emulator reads from a folder. */
export const PAYLOAD_FILES: readonly string[] = [
  "user.json",
  "user.xml",
  "signin.json",
  "devices.xml",
  "resources.json",
  "pin_create.json",
  "invites.xml",
  "resources_v1.xml",
  "users_v1.xml",
  "openid_configuration.json",
];

/**
 * The payload files found in a folder, by name.
 *
 * @example
 * ```ts ignore
 * const payloads = await loadPayloads("tests/fixtures/plex.tv");
 * console.log(payloads.get("user.json") !== undefined);
 * ```
 */
export interface Payloads {
  /** The folder, when one was given. */
  readonly folder?: string;
  /**
   * A file's text.
   *
   * @param name A name from {@linkcode PAYLOAD_FILES}.
   * @returns The text, or `undefined` when built-in payloads are used.
   */
  get(name: string): string | undefined;
}

/**
 * Reads the known payload files of a folder (missing files fall back to the built-in payloads).
 *
 * @param folder The folder, or `undefined` for built-in payloads only.
 * @returns The payloads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPayloads } from "./payloads.ts";
 * const builtIn = await loadPayloads(undefined);
 * assert.equal(builtIn.get("user.json"), undefined);
 * ```
 */
export async function loadPayloads(folder: string | undefined): Promise<Payloads> {
  const files = new Map<string, string>();
  if (folder !== undefined) {
    for (const name of PAYLOAD_FILES) {
      try {
        files.set(name, await readFile(join(folder, name), "utf8"));
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOENT") throw err;
      }
    }
    if (files.size === 0) {
      throw new Error(`The payload folder ${folder} has none of ${PAYLOAD_FILES.join(", ")}`);
    }
  }
  return { folder, get: (name) => files.get(name) };
}

const FEATURES = [
  "home",
  "two-factor-authentication",
  "lets_encrypt",
  "livetv",
  "collections",
  "federated-auth",
];

/**
 * The account JSON of `/api/v2/user` and of a sign-in (which adds `pastSubscriptions` and `trials`).
 *
 * @param user The account.
 * @param token The token to put in `authToken`.
 * @param homeSize Members of the account's home.
 * @param signin The sign-in shape.
 * @returns The account object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "./accounts.ts";
 * import { accountJson } from "./payloads.ts";
 * const account = accountJson(new Accounts().users.default, "abcdefghij0123456789", 3, true);
 * assert.ok(account.username === "plexuser" && Array.isArray(account.trials));
 * ```
 */
export function accountJson(
  user: EmulatorUser,
  token: string,
  homeSize: number,
  signin: boolean,
): Record<string, unknown> {
  return {
    id: user.id,
    uuid: user.uuid,
    username: user.username,
    title: user.username,
    email: user.email,
    friendlyName: user.friendlyName,
    locale: null,
    confirmed: true,
    joinedAt: user.joinedAt,
    emailOnlyAuth: false,
    hasPassword: user.password !== undefined,
    protected: user.pin !== undefined,
    thumb: `https://plex.tv/users/${user.uuid}/avatar?c=1700000000`,
    authToken: token,
    mailingListStatus: "unsubscribed",
    mailingListActive: false,
    scrobbleTypes: "",
    country: "NL",
    subscription: {
      active: true,
      subscribedAt: "2021-04-01T10:00:00Z",
      status: "Active",
      paymentService: "braintree",
      plan: "yearly",
      features: FEATURES,
    },
    subscriptionDescription: "Plex Pass yearly",
    restricted: user.restricted,
    anonymous: false,
    home: user.homeId !== undefined,
    guest: false,
    homeSize,
    homeAdmin: user.homeAdmin,
    maxHomeSize: 15,
    rememberExpiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400,
    profile: {
      autoSelectAudio: true,
      defaultAudioLanguage: "en",
      defaultSubtitleLanguage: "en",
      autoSelectSubtitle: 1,
      defaultSubtitleAccessibility: 0,
      defaultSubtitleForced: 0,
      watchedIndicator: 1,
      mediaReviewsVisibility: 0,
    },
    entitlements: ["all"],
    subscriptions: [{
      id: 90_000 + (user.id % 1_000),
      mode: "yearly",
      renewsAt: 1_893_456_000,
      endsAt: null,
      billing: { paymentMethodId: null, internalPaymentMethod: {} },
      canceled: false,
      gracePeriod: false,
      onHold: false,
      canReactivate: false,
      canUpgrade: false,
      canDowngrade: false,
      canConvert: false,
      type: "plexpass",
      transfer: null,
      state: "active",
    }],
    ...(signin ? { pastSubscriptions: [], trials: [] } : {}),
    services: [
      {
        identifier: "metadata",
        endpoint: "https://metadata.example.invalid",
        token: null,
        secret: null,
        status: "online",
      },
    ],
    adsConsent: null,
    adsConsentSetAt: null,
    adsConsentReminderAt: null,
    experimentalFeatures: false,
    twoFactorEnabled: user.verificationCode !== undefined,
    backupCodesCreated: false,
    attributionPartner: null,
  };
}

/**
 * The account XML of `/api/v2/user` (plex.tv's default when `Accept` is not JSON)
 * and of the legacy `/users/sign_in.xml` (which adds `authenticationToken`).
 *
 * @param user The account.
 * @param token The token.
 * @param homeSize Members of the account's home.
 * @param legacy Add `authenticationToken` like `/users/sign_in.xml`.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "./accounts.ts";
 * import { accountXml } from "./payloads.ts";
 * assert.ok(accountXml(new Accounts().users.default, "abcdefghij0123456789", 3, false).includes('username="plexuser"'));
 * ```
 */
export function accountXml(user: EmulatorUser, token: string, homeSize: number, legacy: boolean): string {
  const json = accountJson(user, token, homeSize, false);
  const scalar: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(json)) {
    if (value === null || typeof value !== "object") scalar[name] = value;
  }
  if (legacy) scalar.authenticationToken = token;
  const features = FEATURES.map((id) => `      <feature id="${escapeXml(id)}"/>\n`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>
<user${xmlAttributes(scalar)}>
  <subscription active="1" subscribedAt="2021-04-01 10:00:00 UTC" status="Active" paymentService="braintree" plan="yearly">
    <features>
${features}    </features>
  </subscription>
  <profile autoSelectAudio="1" defaultAudioLanguage="en" defaultSubtitleLanguage="en" autoSelectSubtitle="1" defaultSubtitleAccessibility="0" defaultSubtitleForced="0"/>
  <entitlements>
    <entitlement id="all"/>
  </entitlements>
  <roles>
    <role id="plexpass"/>
  </roles>
  <subscriptions>
  </subscriptions>
  <services>
  </services>
</user>
`;
}

/**
 * Replaces the `authToken` of a payload file's JSON account with the real token.
 *
 * @param text The payload JSON.
 * @param token The token.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withJsonToken } from "./payloads.ts";
 * assert.equal(withJsonToken('{"authToken":"x"}', "y"), '{"authToken":"y"}');
 * ```
 */
export function withJsonToken(text: string, token: string): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  doc.authToken = token;
  return JSON.stringify(doc);
}

/**
 * Replaces the `authToken`/`authenticationToken` attributes of a payload file's XML account.
 *
 * @param text The payload XML.
 * @param token The token.
 * @returns The XML text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withXmlToken } from "./payloads.ts";
 * assert.equal(withXmlToken('<user authToken="x"/>', "y"), '<user authToken="y"/>');
 * ```
 */
export function withXmlToken(text: string, token: string): string {
  return text.replace(/\b(authToken|authenticationToken)="[^"]*"/g, `$1="${escapeXml(token)}"`);
}

const BUILTIN_DEVICES: Record<string, unknown>[] = [
  {
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
    connections: ["http://127.0.0.1:32400", "https://127.0.0.1:32401"],
  },
  {
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
    connections: ["http://127.0.0.1:32500"],
  },
];

function registeredDevice(device: DeviceRecord, token: string | undefined): Record<string, unknown> {
  const info = device.info;
  return {
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
    connections: [],
  };
}

function deviceXml(device: Record<string, unknown>): string {
  const { connections, ...attributes } = device;
  const inner = (connections as string[]).map((uri) => `        <Connection uri="${escapeXml(uri)}"/>\n`)
    .join("");
  return `    <Device${xmlAttributes(attributes)}>\n${inner}    </Device>\n`;
}

/**
 * The devices of an account: the built-in ones plus every client that signed in to the emulator.
 *
 * @param devices The account's registered devices, with their current token.
 * @returns Device objects (attributes of `/devices.xml`, with `connections` URIs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accountDevices } from "./payloads.ts";
 * assert.equal(accountDevices([]).length, 2);
 * ```
 */
export function accountDevices(
  devices: { device: DeviceRecord; token?: string }[],
): Record<string, unknown>[] {
  return [...BUILTIN_DEVICES, ...devices.map((d) => registeredDevice(d.device, d.token))];
}

/**
 * The `/devices.xml` document: the payload file's devices (or the built-in
 * ones) followed by the devices signed in to the emulator.
 *
 * @param devices The account's registered devices, with their current token.
 * @param payload The `devices.xml` payload file, if any.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { devicesXml } from "./payloads.ts";
 * assert.ok(devicesXml([], undefined).includes('product="Plex Media Server"'));
 * ```
 */
export function devicesXml(
  devices: { device: DeviceRecord; token?: string }[],
  payload: string | undefined,
): string {
  const registered = devices.map((d) => deviceXml(registeredDevice(d.device, d.token))).join("");
  if (payload !== undefined) {
    const end = payload.lastIndexOf("</MediaContainer>");
    if (end >= 0) return payload.slice(0, end) + registered + payload.slice(end);
  }
  return `<MediaContainer publicAddress="203.0.113.7">\n${
    BUILTIN_DEVICES.map(deviceXml).join("")
  }${registered}</MediaContainer>\n`;
}

/**
 * The v2 device list (`GET /api/v2/devices`): the same devices as JSON, dates ISO.
 *
 * @param devices Device objects from {@linkcode accountDevices}.
 * @returns The JSON array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accountDevices, devicesJson } from "./payloads.ts";
 * assert.equal(devicesJson(accountDevices([]))[0]?.product, "Plex Media Server");
 * ```
 */
export function devicesJson(devices: Record<string, unknown>[]): Record<string, unknown>[] {
  const iso = (seconds: unknown) =>
    seconds ? new Date(Number(seconds) * 1000).toISOString().replace(".000", "") : null;
  return devices.map((d) => ({
    ...d,
    id: Number(d.id),
    createdAt: iso(d.createdAt),
    lastSeenAt: iso(d.lastSeenAt),
    connections: (d.connections as string[]).map((uri) => ({ uri })),
  }));
}

type Connection = ResourceConnection;

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
 * import { builtinResources } from "./payloads.ts";
 * assert.equal(builtinResources("t")[0]?.provides, "server");
 * ```
 */
export function builtinResources(serverToken: string): Record<string, unknown>[] {
  // Every connection points at loopback: a tool that dials them never leaves the machine.
  const connections: Connection[] = [
    conn("https", "127.0.0.1", 32401, "https://127.0.0.1:32401", true, false, false),
    conn("http", "127.0.0.1", 32400, "http://127.0.0.1:32400", true, false, false),
    conn("https", "127.0.0.2", 32402, "https://127.0.0.2:32402", false, false, false),
    conn("https", "::1", 32403, "https://[::1]:32403", false, false, true),
    conn("https", "127.0.0.3", 32404, "https://127.0.0.3:32404", false, true, false),
  ];
  return [{
    name: "Emulated Server",
    product: "Plex Media Server",
    productVersion: "1.41.3.9314-a0bfb8370",
    platform: "Linux",
    platformVersion: "6.1.0",
    device: "PC",
    clientIdentifier: "5f0e3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
    createdAt: "2020-09-13T12:26:40Z",
    lastSeenAt: "2023-11-14T22:13:20Z",
    provides: "server",
    ownerId: null,
    sourceTitle: null,
    publicAddress: "203.0.113.7",
    accessToken: serverToken,
    owned: true,
    home: false,
    synced: false,
    relay: true,
    presence: true,
    httpsRequired: false,
    publicAddressMatches: true,
    dnsRebindingProtection: false,
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
    ownerId: null,
    sourceTitle: null,
    publicAddress: "203.0.113.7",
    accessToken: null,
    owned: true,
    home: false,
    synced: false,
    relay: false,
    presence: false,
    httpsRequired: false,
    publicAddressMatches: true,
    dnsRebindingProtection: false,
    natLoopbackSupported: false,
    connections: [conn("http", "127.0.0.1", 32500, "http://127.0.0.1:32500", true, false, false)],
  }];
}

function conn(
  protocol: string,
  address: string,
  port: number,
  uri: string,
  local: boolean,
  relay: boolean,
  IPv6: boolean,
): Connection {
  return { protocol, address, port, uri, local, relay, IPv6 };
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
 * import { builtinResources, filterResources } from "./payloads.ts";
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
    connections: ((r.connections as Connection[] | undefined) ?? []).filter((c) =>
      (on("includeHttps") || c.protocol !== "https") && (on("includeRelay") || !c.relay) &&
      (on("includeIPv6") || !c.IPv6)
    ),
  }));
}

/**
 * A PIN as plex.tv returns it from `POST` and `GET /api/v2/pins`.
 *
 * @param pin The PIN.
 * @param origin The emulator's base URL (for `qr`).
 * @param location The `location` object (from `pin_create.json` when present).
 * @returns The PIN object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pinJson } from "./payloads.ts";
 * const pin = pinJson({ id: 1, code: "7RQZ", clientId: "c", product: "p", info: {}, strong: false, createdAt: 0, expiresAt: 900 }, "http://127.0.0.1:1", undefined);
 * assert.ok(pin.expiresAt === "1970-01-01T00:15:00Z" && pin.authToken === null);
 * ```
 */
export function pinJson(pin: PinRecord, origin: string, location: unknown): Record<string, unknown> {
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000", "");
  return {
    id: pin.id,
    code: pin.code,
    product: pin.product,
    trusted: false,
    qr: `${origin}/api/v2/pins/qr/${pin.code}`,
    clientIdentifier: pin.clientId,
    location: location ?? {
      code: "NL",
      european_union_member: true,
      continent_code: "EU",
      country: "Netherlands",
      city: "Utrecht",
      time_zone: "Europe/Amsterdam",
      postal_code: "3511",
      in_privacy_restricted_country: true,
      in_privacy_restricted_region: true,
      subdivisions: "Utrecht",
      coordinates: "52.0908, 5.1222",
    },
    expiresIn: Math.max(0, pin.expiresAt - Math.floor(Date.now() / 1000)),
    createdAt: iso(pin.createdAt),
    expiresAt: iso(pin.expiresAt),
    authToken: pin.authToken ?? null,
    newRegistration: null,
  };
}

/**
 * A home user as `GET /api/v2/home/users` lists it.
 *
 * @param user The member.
 * @returns The JSON object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "./accounts.ts";
 * import { homeUserJson } from "./payloads.ts";
 * assert.equal(homeUserJson(new Accounts().users.protectedHomeMember).protected, true);
 * ```
 */
export function homeUserJson(user: EmulatorUser): Record<string, unknown> {
  return {
    id: user.id,
    uuid: user.uuid,
    title: user.friendlyName,
    username: user.password === undefined ? null : user.username,
    email: user.password === undefined ? null : user.email,
    friendlyName: user.friendlyName,
    thumb: `https://plex.tv/users/${user.uuid}/avatar?c=1700000000`,
    hasPassword: user.password !== undefined,
    restricted: user.restricted,
    updatedAt: 1_700_000_000,
    restrictionProfile: user.restricted ? "little_kid" : null,
    admin: user.homeAdmin,
    guest: false,
    protected: user.pin !== undefined,
  };
}
