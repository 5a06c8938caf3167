/**
 * Where plex.tv places an IP address (`GET {url}/api/v2/geoip?ip_address=IP`,
 * JSON), or the caller's own address without one. The fields are plex.tv's
 * `GeoData` (the same object as a PIN's `location`), with its snake_case
 * names. python-plexapi has seen `"Unknown"` for the flags: plextv reads it
 * as `undefined`.
 *
 * The IP check is written here rather than taken from a library (the
 * library has no dependencies): IPv4 is one regular expression, IPv6 a count
 * of hex groups (RFC 4291 text forms, no zone ids). The runtimes' URL parsers
 * cannot be used for it: they disagree on valid forms (Bun refuses
 * `::0:0:0:0:0.0.0.0`, Deno accepts it).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
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
import { object, optional, parse, string, type Validator } from "../parse/validate.ts";
import { flag } from "../parse/attribute_values.ts";

/**
 * Where an address is. Every field may be missing (an address plex.tv does
 * not know); the values are as plex.tv writes them.
 *
 * @example
 * ```ts
 * import type { GeoLocation } from "./geoip.ts";
 * function place(g: GeoLocation): string { return [g.city, g.country].filter(Boolean).join(", "); }
 * ```
 */
export interface GeoLocation {
  /** The ISO 3166-1 alpha-2 country code, e.g. `CA`. */
  code?: string;
  /** The continent code, e.g. `NA`. */
  continent_code?: string;
  /** The country's name. */
  country?: string;
  /** The city. */
  city?: string;
  /** The main subdivision (state, province). */
  subdivisions?: string;
  /** The postal code (plex.tv has written it as a number too: kept as text). */
  postal_code?: string;
  /** The time zone, e.g. `America/Toronto`. */
  time_zone?: string;
  /** `"latitude, longitude"`, e.g. `"43.6227, -79.3892"`. */
  coordinates?: string;
  /** Whether the country is in the European Union. */
  european_union_member?: boolean;
  /** Whether the country restricts privacy-related features. */
  in_privacy_restricted_country?: boolean;
  /** Whether the region restricts privacy-related features. */
  in_privacy_restricted_region?: boolean;
  /** Any other field. */
  [field: string]: unknown;
}

/** A flag, or `undefined` when missing or `"Unknown"`. */
const knownFlag: Validator<boolean | undefined> = (value, path) =>
  value === undefined || value === null || value === "" ||
    (typeof value === "string" && value.toLowerCase() === "unknown")
    ? undefined
    : flag(value, path);

/** A string, also written as a number. */
const textual: Validator<string | undefined> = (value, path) =>
  typeof value === "number" && Number.isFinite(value) ? String(value) : optional(string)(value, path);

const geoValidator = object<GeoLocation>({
  code: optional(string),
  continent_code: optional(string),
  country: optional(string),
  city: optional(string),
  subdivisions: optional(string),
  postal_code: textual,
  time_zone: optional(string),
  coordinates: optional(string),
  european_union_member: knownFlag,
  in_privacy_restricted_country: knownFlag,
  in_privacy_restricted_region: knownFlag,
});

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Checks an IP address: dotted IPv4 (`203.0.113.7`) or IPv6
 * (`2001:db8::1`, `::ffff:203.0.113.7`), without brackets, zone or port.
 *
 * @param ip The address.
 * @returns The address, as given.
 * @throws {PlexError} `invalid_argument` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ipAddress } from "./geoip.ts";
 * assert.equal(ipAddress("2001:db8::1"), "2001:db8::1");
 * assert.throws(() => ipAddress("203.0.113.256"), { code: "invalid_argument" });
 * ```
 */
export function ipAddress(ip: string): string {
  if (typeof ip === "string" && (IPV4.test(ip) || isIpv6(ip))) return ip;
  throw new PlexError("invalid_argument", "An IP address is dotted IPv4 or IPv6, without brackets or port");
}

function isIpv6(ip: string): boolean {
  if (ip.length > 45 || !ip.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(ip)) return false;
  let head = ip;
  let groups = 8;
  const embedded = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
  if (embedded !== undefined) {
    // the last 32 bits written as IPv4 take the place of two groups
    if (!IPV4.test(embedded)) return false;
    head = ip.slice(0, -embedded.length);
    if (!head.endsWith("::")) head = head.slice(0, -1);
    groups = 6;
  }
  const halves = head.split("::");
  if (halves.length > 2) return false;
  const hextets = halves.flatMap((half) => (half === "" ? [] : half.split(":")));
  if (!hextets.every((h) => /^[0-9A-Fa-f]{1,4}$/.test(h))) return false;
  return halves.length === 2 ? hextets.length < groups : hextets.length === groups;
}

/**
 * Parses a geoip body (the `GeoData` object).
 *
 * @param value The parsed JSON body.
 * @returns The location.
 * @throws {PlexError} `invalid_response` naming the wrong field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGeoLocation } from "./geoip.ts";
 * const where = parseGeoLocation({ code: "CA", city: "Toronto", postal_code: 802, european_union_member: "Unknown" });
 * assert.ok(where.postal_code === "802" && where.european_union_member === undefined);
 * ```
 */
export function parseGeoLocation(value: unknown): GeoLocation {
  return parse(geoValidator, value);
}

/**
 * Sends `GET {url}/api/v2/geoip`, with `ip_address` when given.
 *
 * @param context The configuration.
 * @param token A token, or `undefined` (plex.tv does not require one here).
 * @param ip The address to place; without it, plex.tv places the caller.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processGeoipResponse}.
 * @throws {PlexError} `invalid_argument` for a malformed address (nothing is sent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { geoipRequest, processGeoipResponse } from "./geoip.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const where = processGeoipResponse(await geoipRequest(config, undefined, "203.0.113.7")); // needs no token
 * assert.equal(where.country, "Netherlands");
 * await emulator.close();
 * ```
 */
export async function geoipRequest(
  context: RequestContext,
  token: Token | string | undefined,
  ip?: string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  const query = { ip_address: ip === undefined ? undefined : ipAddress(ip) };
  return await send(context, { method: "GET", host: "url", path: "/api/v2/geoip", query, token }, options);
}

/** What {@linkcode processGeoipResponse} returns, from a response whose status was checked. */
function readGeoipResponse(response: PlexResponse): GeoLocation {
  return parseGeoLocation(readJson(response));
}

/**
 * Checks a geoip response and returns the location.
 *
 * @param response The response, or a recorded one.
 * @returns The location.
 * @throws {PlexError} `bad_request`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processGeoipResponse } from "./geoip.ts";
 * const where = processGeoipResponse({ status: 200, headers: new Headers(), url: "", body: '{"code":"NL","city":"Breda"}' });
 * assert.equal(where.city, "Breda");
 * ```
 */
export function processGeoipResponse(response: PlexResponse): GeoLocation {
  return readGeoipResponse(checkOk(response));
}

/**
 * Sends {@linkcode geoipRequest} and reads the answer as {@linkcode processGeoipResponse} does, with
 * the error reader loaded when a response first fails (`Client.geoip()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param ip The address, or `undefined` for the caller's own.
 * @param options Call options.
 * @returns The location.
 * @throws {PlexError} what {@linkcode processGeoipResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { geoip } from "./geoip.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * assert.equal((await geoip(config, undefined, "203.0.113.7")).country, "Netherlands"); // needs no token
 * await assert.rejects(geoip(config, undefined, "not-an-ip"), { code: "invalid_argument" });
 * await emulator.close();
 * ```
 */
export async function geoip(
  context: RequestContext,
  token: Token | string | undefined,
  ip: string | undefined,
  options: CallOptions = {},
): Promise<GeoLocation> {
  return readGeoipResponse(await ensureOk(await geoipRequest(context, token, ip, options)));
}
