/**
 * XML parsing for plex.tv's legacy endpoints (`/devices.xml`, XML error
 * bodies), on fast-xml-parser with entity expansion limited to XML's own.
 *
 * @module
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { PlexError } from "./errors.ts";

/**
 * An XML element: its attributes (without prefix), its children by tag name
 * (always arrays) and its text.
 *
 * @example
 * ```ts
 * import { parseXml, type XmlElement } from "./xml.ts";
 * const root: XmlElement = parseXml('<a x="1"><b/></a>');
 * console.assert(root.name === "a" && root.attributes.x === "1" && root.children.b?.length === 1);
 * ```
 */
export interface XmlElement {
  /** The tag name. */
  name: string;
  /** Attribute values by name, as written (entities decoded). */
  attributes: Record<string, string>;
  /** Child elements by tag name, in document order. */
  children: Record<string, XmlElement[]>;
  /** The element's own text, trimmed; empty when it has none. */
  text: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  attributesGroupName: "$attrs",
  textNodeName: "$text",
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (_name: string, _path: unknown, _isLeaf: boolean, isAttribute: boolean) => !isAttribute,
});

/**
 * Parses an XML document and returns its root element.
 *
 * @param text The XML text.
 * @returns The root element.
 * @throws {PlexError} `invalid_response` when the text is not well-formed XML (the message gives the
 *   line and column, never the document's text, which may carry tokens).
 *
 * @example
 * ```ts
 * import { parseXml } from "./xml.ts";
 * const root = parseXml('<errors><error code="1001" message="User could not be authenticated"/></errors>');
 * console.assert(root.children.error?.[0]?.attributes.code === "1001");
 * ```
 */
export function parseXml(text: string): XmlElement {
  if (typeof text !== "string") throw new PlexError("invalid_response", "The XML response is not text");
  let doc: Record<string, unknown>;
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      // The validator's own message quotes tag and attribute text: only its code and position are kept.
      const { code, line, col } = valid.err;
      const at = [
        typeof line === "number" ? `line ${line}` : "",
        typeof col === "number" ? `column ${col}` : "",
      ]
        .filter(Boolean).join(", ");
      throw new PlexError(
        "invalid_response",
        `The response is not well-formed XML (${code}${at ? ` at ${at}` : ""})`,
      );
    }
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof PlexError) throw err;
    // No `cause`: parser errors quote the document. A RangeError here means nesting too deep to walk.
    throw new PlexError("invalid_response", "The response is not well-formed XML");
  }
  const roots = Object.entries(doc).filter(([name]) => !name.startsWith("$") && !name.startsWith("?"));
  const first = roots[0];
  if (roots.length !== 1 || !first || !Array.isArray(first[1]) || first[1].length !== 1) {
    throw new PlexError("invalid_response", "The XML response must have exactly one root element");
  }
  try {
    return toElement(first[0], first[1][0]);
  } catch {
    throw new PlexError("invalid_response", "The XML response is nested too deeply");
  }
}

/** Sets an own property, even one named `__proto__`, without touching the object's prototype. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function toElement(name: string, node: unknown): XmlElement {
  const element: XmlElement = { name, attributes: {}, children: {}, text: "" };
  if (typeof node === "string" || typeof node === "number" || typeof node === "boolean") {
    element.text = String(node);
    return element;
  }
  if (node === null || typeof node !== "object") return element;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === "$attrs") {
      for (const [attr, attrValue] of Object.entries(value as Record<string, unknown>)) {
        setOwn(element.attributes, attr, String(attrValue));
      }
    } else if (key === "$text") {
      element.text = Array.isArray(value) ? value.join("") : String(value);
    } else if (Array.isArray(value)) {
      setOwn(element.children, key, value.map((child) => toElement(key, child)));
    }
  }
  return element;
}
