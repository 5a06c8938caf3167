/**
 * A PIN as plex.tv returns it from `POST /api/v2/pins` and
 * `GET /api/v2/pins/{id}`: plex-api-spec's AuthPinContainer (real capture
 * `pin_create.json`), `newRegistration` a boolean once the PIN is claimed,
 * and the XML form python-plexapi reads.
 *
 * @module
 */
import { XML_PROLOG } from "../respond.ts";
import type { PinRecord } from "../state/pins.ts";
import { xmlAttributes } from "../xml_text.ts";

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000", "");
}

/**
 * The PIN object.
 *
 * @param pin The PIN.
 * @param origin The emulator's base URL (for `qr`).
 * @param location The `location` object.
 * @param nowSeconds The emulator's time (for `expiresIn`).
 * @returns The PIN object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pinJson } from "./pins.ts";
 * const pin = pinJson({ id: 1, code: "7RQZ", clientId: "c", product: "p", info: {}, strong: false, createdAt: 0, expiresAt: 900 }, "http://127.0.0.1:1", {}, 100);
 * assert.ok(pin.expiresAt === "1970-01-01T00:15:00Z" && pin.expiresIn === 800 && pin.authToken === null);
 * ```
 */
export function pinJson(
  pin: PinRecord,
  origin: string,
  location: Record<string, unknown>,
  nowSeconds: number,
): Record<string, unknown> {
  return {
    id: pin.id,
    code: pin.code,
    product: pin.product,
    trusted: false,
    qr: `${origin}/api/v2/pins/qr/${pin.code}`,
    clientIdentifier: pin.clientId,
    location,
    expiresIn: Math.max(0, pin.expiresAt - nowSeconds),
    createdAt: iso(pin.createdAt),
    expiresAt: iso(pin.expiresAt),
    authToken: pin.authToken ?? null,
    newRegistration: pin.authToken === undefined ? null : pin.newRegistration ?? false,
  };
}

/**
 * The XML form of a PIN (`<pin ...><location .../></pin>`).
 *
 * @param doc The PIN object from {@linkcode pinJson}.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pinJson, pinXml } from "./pins.ts";
 * const pin = pinJson({ id: 1, code: "7RQZ", clientId: "c", product: "p", info: {}, strong: false, createdAt: 0, expiresAt: 900 }, "http://127.0.0.1:1", { code: "NL" }, 0);
 * assert.match(pinXml(pin), /<pin id="1" code="7RQZ"[^>]*>\n  <location code="NL"\/>/);
 * ```
 */
export function pinXml(doc: Record<string, unknown>): string {
  const { location, ...attributes } = doc;
  return `${XML_PROLOG}<pin${xmlAttributes(attributes)}>\n  <location${
    xmlAttributes(location as Record<string, unknown>)
  }/>\n</pin>\n`;
}
