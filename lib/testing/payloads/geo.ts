/**
 * Geolocation bodies: the `location` of a PIN and `GET /api/v2/geoip`
 * (plex-api-spec's GeoData, all fields strings or booleans), in JSON and in
 * the XML python-plexapi reads (`<location code= ... />`).
 *
 * @module
 */
import { XML_PROLOG } from "../respond.ts";
import { xmlAttributes } from "../xml_text.ts";

/**
 * The emulator's location for every address (or the payload's), as GeoData.
 *
 * @param payloadLocation The `location` of the `pin_create.json` payload file, if any.
 * @returns The GeoData object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { geoData } from "./geo.ts";
 * assert.equal(geoData(undefined).code, "NL");
 * ```
 */
export function geoData(payloadLocation: unknown): Record<string, unknown> {
  if (payloadLocation !== null && typeof payloadLocation === "object") {
    return { ...payloadLocation as Record<string, unknown> };
  }
  return {
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
  };
}

/**
 * The XML form of `GET /api/v2/geoip`.
 *
 * @param geo The GeoData object.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { geoData, geoXml } from "./geo.ts";
 * assert.match(geoXml(geoData(undefined)), /<location code="NL"/);
 * ```
 */
export function geoXml(geo: Record<string, unknown>): string {
  return `${XML_PROLOG}<location${xmlAttributes(geo)}/>\n`;
}
