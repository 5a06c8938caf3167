/**
 * Writing XML text for the emulator's XML answers: escaping and attributes.
 *
 * @module
 */

/**
 * Escapes text for an XML attribute value.
 *
 * @param value The value (`null`/`undefined` become empty).
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeXml } from "./xml_text.ts";
 * assert.equal(escapeXml('a<"b">&'), "a&lt;&quot;b&quot;&gt;&amp;");
 * ```
 */
export function escapeXml(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

/**
 * Renders attributes as ` name="value"` pairs; booleans become `1`/`0` like plex.tv's XML.
 *
 * @param attributes The attributes in order.
 * @returns The attribute text, starting with a space when not empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmlAttributes } from "./xml_text.ts";
 * assert.equal(xmlAttributes({ id: 1, home: true, locale: null }), ' id="1" home="1" locale=""');
 * ```
 */
export function xmlAttributes(attributes: Record<string, unknown>): string {
  return Object.entries(attributes).map(([name, value]) => {
    const text = typeof value === "boolean" ? (value ? "1" : "0") : value;
    return ` ${name}="${escapeXml(text)}"`;
  }).join("");
}
