/**
 * Reading parsed XML for the validators: an element's attributes as a
 * record, and the root element a response must have. Apart from the field
 * validators (`fields.ts`), so that a JSON endpoint does not carry them.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import type { XmlElement } from "./xml.ts";

/**
 * The attributes of an XML element as a record for the validators, with
 * empty attributes left out (XML writes "absent" as `""`).
 *
 * @param element The element.
 * @returns Its non-empty attributes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { attributesOf } from "./xml_fields.ts";
 * import { parseXml } from "./xml.ts";
 * const record = attributesOf(parseXml('<Device name="TV" vendor=""/>'));
 * assert.ok(record.name === "TV" && !("vendor" in record));
 * ```
 */
export function attributesOf(element: XmlElement): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(element.attributes)) if (value !== "") record[name] = value;
  return record;
}

/**
 * Expects the root element of an XML response to have a given name.
 *
 * @param root The parsed root.
 * @param name The expected tag.
 * @returns The root.
 * @throws {PlexError} `invalid_response` for another root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectRoot } from "./xml_fields.ts";
 * import { parseXml } from "./xml.ts";
 * assert.equal(expectRoot(parseXml("<MediaContainer/>"), "MediaContainer").name, "MediaContainer");
 * ```
 */
export function expectRoot(root: XmlElement, name: string): XmlElement {
  if (root.name !== name) {
    throw new PlexError(
      "invalid_response",
      `The XML response should have a <${name}> root, got <${root.name}>`,
    );
  }
  return root;
}
