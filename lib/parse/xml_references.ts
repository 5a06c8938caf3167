/**
 * What XML's text and attribute values share: the name rule and the
 * decoding of the five entities and character references. The XML parser
 * (`xml.ts`) and the reader of plex.tv's XML error bodies
 * (`lib/http/xml_errors.ts`) both use it.
 *
 * @module
 */

/**
 * The pattern of an XML name (a tag or attribute name), as regular expression source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { XML_NAME } from "./xml_references.ts";
 * assert.ok(new RegExp(`^${XML_NAME}$`).test("MediaContainer"));
 * ```
 */
export const XML_NAME = "[A-Za-z_:\\u00C0-\\uFFFF][\\w.:\\u00B7\\u00C0-\\uFFFF-]*";

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * Decodes entity and character references in text or an attribute value.
 *
 * @param raw The text as written.
 * @param invalid Called with the index in `raw` of a reference that is not
 *   well-formed (unknown, unterminated, or a character XML does not allow); it must throw.
 * @returns The decoded text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeXmlReferences } from "./xml_references.ts";
 * const fail = (index: number): never => { throw new Error(`at ${index}`); };
 * assert.equal(decodeXmlReferences("a &amp; b &#x41;", fail), "a & b A");
 * assert.throws(() => decodeXmlReferences("x &nope;", fail), /at 2/);
 * ```
 */
export function decodeXmlReferences(raw: string, invalid: (index: number) => never): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&\s]{0,32});?/g, (match, ref: string, index: number) => {
    if (!match.endsWith(";")) return invalid(index);
    if (Object.hasOwn(ENTITIES, ref)) return ENTITIES[ref]!;
    const hex = /^#x([0-9a-fA-F]+)$/.exec(ref);
    const dec = /^#([0-9]+)$/.exec(ref);
    const code = hex ? parseInt(hex[1]!, 16) : dec ? Number(dec[1]) : NaN;
    const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    return valid ? String.fromCodePoint(code) : invalid(index);
  });
}
