/**
 * What XML's text and attribute values share: the name rule, the characters
 * XML does not allow, the reading of line ends and of an attribute's written
 * whitespace, and the decoding of the five entities and character
 * references. The XML parser (`xml.ts`) and the reader of plex.tv's XML
 * error bodies (`lib/http/xml_errors.ts`) both use it.
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

/**
 * Characters XML 1.0 does not allow anywhere (§2.2): C0 controls but tab, line feed and carriage
 * return, U+FFFE, U+FFFF, and halves of surrogate pairs on their own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { XML_FORBIDDEN } from "./xml_references.ts";
 * assert.ok(XML_FORBIDDEN.test("a\u0000b") && !XML_FORBIDDEN.test("a\tb"));
 * ```
 */
// deno-lint-ignore no-control-regex
export const XML_FORBIDDEN: RegExp = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * Reads every line end (`\r\n`, or a `\r` alone) as one `\n` (XML 1.0 §2.11).
 *
 * @param text The text as written.
 * @returns The text with `\n` line ends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeLineEnds } from "./xml_references.ts";
 * assert.equal(normalizeLineEnds("a\r\nb\rc"), "a\nb\nc");
 * ```
 */
export function normalizeLineEnds(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

/**
 * Reads each tab or line end written in an attribute value as a space (XML 1.0 §3.3.3), before its
 * references are decoded: one that a character reference stands for stays. Without a `\r`, the
 * value keeps its length, so positions in it stay those of the document.
 *
 * @param raw The attribute value as written.
 * @returns The value with its written whitespace as spaces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeAttributeSpaces } from "./xml_references.ts";
 * assert.equal(normalizeAttributeSpaces("a\r\nb\tc&#10;"), "a b c&#10;");
 * ```
 */
export function normalizeAttributeSpaces(raw: string): string {
  return normalizeLineEnds(raw).replace(/[\t\n]/g, " ");
}

/**
 * Decodes entity and character references in text or an attribute value,
 * in one pass (linear in the length of `raw`).
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
  let amp = raw.indexOf("&");
  if (amp < 0) return raw;
  const parts: string[] = [];
  let from = 0;
  while (amp >= 0) {
    const semicolon = raw.indexOf(";", amp + 1);
    const ref = semicolon < 0 || semicolon - amp > 34 ? undefined : raw.slice(amp + 1, semicolon);
    const value = ref === undefined ? undefined : reference(ref);
    if (value === undefined) return invalid(amp);
    parts.push(raw.slice(from, amp), value);
    from = semicolon + 1;
    amp = raw.indexOf("&", from);
  }
  parts.push(raw.slice(from));
  return parts.join("");
}

/** The character an entity or character reference (without `&` and `;`) stands for, if XML allows it. */
function reference(ref: string): string | undefined {
  if (Object.hasOwn(ENTITIES, ref)) return ENTITIES[ref];
  const hex = /^#x([0-9a-fA-F]{1,32})$/.exec(ref);
  const dec = hex ? null : /^#([0-9]{1,32})$/.exec(ref);
  const code = hex ? parseInt(hex[1]!, 16) : dec ? Number(dec[1]) : NaN;
  const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  return valid ? String.fromCodePoint(code) : undefined;
}
