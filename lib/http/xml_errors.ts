/**
 * Reads plex.tv's XML error documents: `<errors><error code message status/></errors>`,
 * `<errors><error>message</error></errors>` and a lone `<error .../>`, after an
 * optional XML declaration. Hand-written apart from the XML parser
 * (`lib/parse/xml.ts`) because any failing request may carry such a body: the
 * request helper reads it, so it is in every bundle, and the full parser is
 * only needed by the XML endpoints. It is as strict as the parser for what it
 * reads (quoted, unique attributes, valid references, only characters XML
 * allows, matching end tags) and reads nothing from any other document.
 *
 * @module
 */
import {
  decodeXmlReferences,
  normalizeAttributeSpaces,
  normalizeLineEnds,
  XML_FORBIDDEN,
  XML_NAME,
} from "../parse/xml_references.ts";

/** One `<error>` element: its attributes and its text, trimmed. */
export interface XmlError {
  /** Attribute values by name, references decoded. */
  attributes: Record<string, string>;
  /** The element's text, trimmed; empty for `<error .../>`. */
  text: string;
}

const SPACE = /[ \t\r\n]*/y;
const ATTRIBUTE = new RegExp(
  `[ \\t\\r\\n]+(${XML_NAME})[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"([^"<]*)"|'([^'<]*)')`,
  "y",
);
const TAG_END = /[ \t\r\n]*(\/?)>/y;
const END_TAG_END = /[ \t\r\n]*>/y;

/** Thrown inside the reader for a document it does not read. */
class NotAnErrorDocument extends Error {}

/**
 * The `<error>` elements of a plex.tv XML error document.
 *
 * @param text The response body.
 * @returns The errors, in document order; `undefined` when `text` is not such a document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readXmlErrors } from "./xml_errors.ts";
 * const [error] = readXmlErrors('<errors><error code="1001" message="Not &quot;you&quot;"/></errors>')!;
 * assert.deepEqual(error?.attributes, { code: "1001", message: 'Not "you"' });
 * assert.equal(readXmlErrors("<html><body>Bad gateway</body></html>"), undefined);
 * ```
 */
export function readXmlErrors(text: string): XmlError[] | undefined {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const refuse = (): never => {
    throw new NotAnErrorDocument();
  };
  const sticky = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match) at = pattern.lastIndex;
    return match;
  };
  /** An open tag `<name ...>` or `<name .../>`; answers whether it closed itself. */
  const openTag = (name: string, attributes: Record<string, string>): boolean => {
    if (!text.startsWith(`<${name}`, at)) refuse();
    at += name.length + 1;
    for (let match; (match = sticky(ATTRIBUTE));) {
      const [, attribute, double, single] = match;
      if (Object.hasOwn(attributes, attribute!)) refuse();
      Object.defineProperty(attributes, attribute!, {
        value: decodeXmlReferences(normalizeAttributeSpaces(double ?? single ?? ""), refuse),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return (sticky(TAG_END) ?? refuse())[1] === "/";
  };
  const endTag = (name: string): void => {
    if (!text.startsWith(`</${name}`, at)) refuse();
    at += name.length + 2;
    if (!sticky(END_TAG_END)) refuse();
  };
  const error = (): XmlError => {
    const attributes: Record<string, string> = {};
    if (openTag("error", attributes)) return { attributes, text: "" };
    const end = text.indexOf("<", at);
    if (end < 0) refuse();
    const raw = text.slice(at, end);
    if (raw.includes("]]>")) refuse();
    const content = decodeXmlReferences(normalizeLineEnds(raw), refuse).trim();
    at = end;
    endTag("error");
    return { attributes, text: content };
  };
  try {
    if (XML_FORBIDDEN.test(text)) refuse();
    if (text.startsWith("<?xml", at)) {
      const end = text.indexOf("?>", at + 5);
      at = end < 0 ? refuse() : end + 2;
    }
    sticky(SPACE);
    const errors: XmlError[] = [];
    if (!text.startsWith("<errors", at)) errors.push(error());
    else if (!openTag("errors", {})) {
      for (sticky(SPACE); !text.startsWith("</", at); sticky(SPACE)) errors.push(error());
      endTag("errors");
    }
    sticky(SPACE);
    return at === text.length ? errors : undefined;
  } catch (err) {
    if (err instanceof NotAnErrorDocument) return undefined;
    throw err;
  }
}
