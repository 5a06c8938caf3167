/**
 * Writing XML text for the emulator's XML answers: escaping and attributes.
 *
 * @module
 */

/** XML's escapes of the characters an attribute value cannot hold as they are (a tab or line end would read as a space). */
const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/**
 * Escapes text for an XML attribute value (tabs and line ends as character references, so they read back as they were).
 *
 * @param value The value (`null`/`undefined` become empty).
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeXml } from "./xml_text.ts";
 * assert.equal(escapeXml('a<"b">&'), "a&lt;&quot;b&quot;&gt;&amp;");
 * assert.equal(escapeXml("two\nlines"), "two&#10;lines");
 * ```
 */
export function escapeXml(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c]!);
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
