/**
 * A small, strict XML parser for plex.tv's legacy endpoints (`/devices.xml`,
 * `/api/v2/user` as XML, XML error bodies). Web standards only, no dependency:
 * hand-written because plex.tv's XML is simple and the parser must be small,
 * synchronous (the `process*Response` functions are) and bounded, which the
 * general-purpose parsers are not.
 *
 * It checks well-formedness (matching tags, one root, quoted and unique
 * attributes, valid character references, only characters XML allows, no
 * `]]>` in text, no `--` in comments, an XML declaration only at the very
 * start), decodes XML's five entities and character references, keeps CDATA
 * as text, and skips comments and processing instructions. Line ends read as
 * `\n`, and a tab or line end written in an attribute value as a space, as
 * XML 1.0 says. It refuses a DOCTYPE: plex.tv never sends one, and refusing
 * it rules out entity-expansion and external-entity attacks. Errors name the problem and its line and
 * column, never the document's text (which may carry tokens).
 *
 * Hostile documents cannot block the event loop for long: documents over
 * {@linkcode MAX_XML_LENGTH}, with more than {@linkcode MAX_XML_ELEMENTS}
 * elements, more than 1,024 attributes on one element or more than 256 levels
 * are refused, and every step is linear in the document's length.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import {
  decodeXmlReferences,
  normalizeAttributeSpaces,
  normalizeLineEnds,
  XML_FORBIDDEN,
  XML_NAME,
} from "./xml_references.ts";

/**
 * An XML element: its attributes (without prefix), its children by tag name
 * (always arrays) and its text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseXml, type XmlElement } from "./xml.ts";
 * const root: XmlElement = parseXml('<a x="1"><b/></a>');
 * assert.ok(root.name === "a" && root.attributes.x === "1" && root.children.b?.length === 1);
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

/** The longest document accepted, in characters (2 MiB): some 3,000 devices in `/devices.xml`. */
export const MAX_XML_LENGTH = 2 * 1024 * 1024;
/** The most elements a document may have (plex.tv's have a few per device, user or server). */
export const MAX_XML_ELEMENTS = 50_000;
/** The most attributes one element may have (plex.tv's have about 30). */
const MAX_ATTRIBUTES = 1_024;
/** Deeper documents are refused (plex.tv's are 3 or 4 levels deep). */
const MAX_DEPTH = 256;
const NAME = new RegExp(XML_NAME, "y");
const LT = 0x3c;

/**
 * Parses an XML document and returns its root element.
 *
 * @param text The XML text.
 * @returns The root element.
 * @throws {PlexError} `invalid_response` when the text is not well-formed XML (the message gives the
 *   line and column, never the document's text, which may carry tokens); `response_too_large` when it
 *   is longer than {@linkcode MAX_XML_LENGTH} or has more than {@linkcode MAX_XML_ELEMENTS} elements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseXml } from "./xml.ts";
 * const root = parseXml('<errors><error code="1001" message="User could not be authenticated"/></errors>');
 * assert.equal(root.children.error?.[0]?.attributes.code, "1001");
 * ```
 */
export function parseXml(text: string): XmlElement {
  if (typeof text !== "string") throw new PlexError("invalid_response", "The XML response is not text");
  if (text.length > MAX_XML_LENGTH) {
    throw new PlexError("response_too_large", `The XML response is longer than ${MAX_XML_LENGTH} characters`);
  }
  // Line ends are read as one `\n` (XML 1.0 §2.11), in text and in attribute values alike.
  return new _XmlReader(normalizeLineEnds(text)).document();
}

interface OpenElement {
  element: XmlElement;
  texts: string[];
}

class _XmlReader {
  readonly #text: string;
  #at = 0;
  #elements = 0;

  constructor(text: string) {
    this.#text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  document(): XmlElement {
    const forbidden = this.#text.search(XML_FORBIDDEN);
    if (forbidden >= 0) {
      this.#at = forbidden;
      this.#fail("InvalidCharacter");
    }
    if (/^<\?xml(?=[ \t\r\n?])/.test(this.#text)) this.#skipPast("?>", "UnclosedDeclaration", 5);
    this.#misc();
    if (this.#text.startsWith("<!DOCTYPE", this.#at)) this.#fail("DoctypeNotAllowed");
    if (this.#text.charCodeAt(this.#at) !== LT) {
      this.#fail(this.#at >= this.#text.length ? "NoRootElement" : "TextOutsideRoot");
    }
    const root = this.#element();
    this.#misc();
    if (this.#at < this.#text.length) {
      if (this.#text.charCodeAt(this.#at) === LT) this.#fail("MoreThanOneRoot");
      this.#fail("TextOutsideRoot");
    }
    return root;
  }

  /** Whitespace, comments and processing instructions between top-level items. */
  #misc(): void {
    for (;;) {
      this.#space();
      if (this.#text.startsWith("<!--", this.#at)) this.#comment();
      else if (this.#text.startsWith("<?", this.#at)) this.#instruction();
      else return;
    }
  }

  /** The root element and everything inside it, without recursion. */
  #element(): XmlElement {
    const text = this.#text;
    const stack: OpenElement[] = [];
    let root: XmlElement | undefined;
    for (;;) {
      if (this.#at >= text.length) this.#fail("UnclosedTag");
      const current = stack[stack.length - 1];
      if (text.charCodeAt(this.#at) !== LT) {
        if (!current) this.#fail("TextOutsideRoot");
        current.texts.push(this.#characters());
        continue;
      }
      const next = text[this.#at + 1];
      if (next === "/") {
        if (!current) this.#fail("UnexpectedEndTag");
        this.#at += 2;
        const name = this.#name();
        this.#space();
        if (name !== current.element.name) this.#fail("MismatchedEndTag");
        this.#expect(">", "InvalidEndTag");
        const closed = stack.pop()!;
        closed.element.text = closed.texts.join("").trim();
        if (stack.length === 0) return root!;
      } else if (next === "!") {
        if (!current) this.#fail("TextOutsideRoot");
        if (text.startsWith("<!--", this.#at)) {
          this.#comment();
        } else if (text.startsWith("<![CDATA[", this.#at)) {
          const start = this.#at + 9;
          this.#skipPast("]]>", "UnclosedCdata", 9);
          current.texts.push(text.slice(start, this.#at - 3));
        } else {
          this.#fail(text.startsWith("<!DOCTYPE", this.#at) ? "DoctypeNotAllowed" : "InvalidMarkup");
        }
      } else if (next === "?") {
        if (!current) this.#fail("TextOutsideRoot");
        this.#instruction();
      } else {
        this.#at++;
        if (++this.#elements > MAX_XML_ELEMENTS) {
          throw new PlexError(
            "response_too_large",
            `The XML response has more than ${MAX_XML_ELEMENTS} elements`,
          );
        }
        const element: XmlElement = { name: this.#name(), attributes: {}, children: {}, text: "" };
        const selfClosing = this.#attributes(element.attributes);
        if (current) {
          const children = current.element.children;
          const siblings = Object.hasOwn(children, element.name)
            ? children[element.name]!
            : setOwn(children, element.name, []);
          siblings.push(element);
        } else {
          root = element;
        }
        if (selfClosing) {
          if (!current) return element;
        } else {
          if (stack.length >= MAX_DEPTH) {
            throw new PlexError("invalid_response", "The XML response is nested too deeply");
          }
          stack.push({ element, texts: [] });
        }
      }
    }
  }

  /** Reads attributes up to `>` or `/>`; answers whether the tag closed itself. */
  #attributes(into: Record<string, string>): boolean {
    let count = 0;
    for (;;) {
      const before = this.#at;
      this.#space();
      const c = this.#text[this.#at];
      if (c === ">") {
        this.#at++;
        return false;
      }
      if (c === "/") {
        this.#at++;
        this.#expect(">", "InvalidTag");
        return true;
      }
      if (c === undefined) this.#fail("UnclosedTag");
      if (this.#at === before) this.#fail("InvalidAttribute");
      if (++count > MAX_ATTRIBUTES) this.#fail("TooManyAttributes");
      const name = this.#name();
      this.#space();
      this.#expect("=", "InvalidAttribute");
      this.#space();
      const quote = this.#text[this.#at];
      if (quote !== '"' && quote !== "'") this.#fail("UnquotedAttribute");
      const end = this.#text.indexOf(quote, this.#at + 1);
      if (end < 0) this.#fail("UnclosedAttribute");
      const lt = this.#text.indexOf("<", this.#at + 1);
      if (lt >= 0 && lt < end) this.#fail("InvalidAttribute");
      const raw = this.#text.slice(this.#at + 1, end);
      if (Object.hasOwn(into, name)) this.#fail("DuplicateAttribute");
      setOwn(into, name, this.#decode(normalizeAttributeSpaces(raw), this.#at + 1));
      this.#at = end + 1;
    }
  }

  #characters(): string {
    const end = this.#text.indexOf("<", this.#at);
    const stop = end < 0 ? this.#text.length : end;
    const raw = this.#text.slice(this.#at, stop);
    const cdataEnd = raw.indexOf("]]>");
    if (cdataEnd >= 0) {
      this.#at += cdataEnd;
      this.#fail("CdataEndInText");
    }
    const decoded = this.#decode(raw, this.#at);
    this.#at = stop;
    return decoded;
  }

  /** Decodes entity and character references; `offset` is where `raw` starts, for error positions. */
  #decode(raw: string, offset: number): string {
    return decodeXmlReferences(raw, (index) => {
      this.#at = offset + index;
      return this.#fail("InvalidEntity");
    });
  }

  /** A comment: no `--` inside, and not ending in `-` (XML 1.0 §2.5). */
  #comment(): void {
    const start = this.#at + 4;
    this.#skipPast("-->", "UnclosedComment", 4);
    const body = this.#text.slice(start, this.#at - 3);
    const dashes = body.indexOf("--");
    if (dashes >= 0 || body.endsWith("-")) {
      this.#at = start + (dashes >= 0 ? dashes : body.length - 1);
      this.#fail("DoubleHyphenInComment");
    }
  }

  /** A processing instruction; its target may not be `xml` (a declaration anywhere but the start). */
  #instruction(): void {
    const start = this.#at;
    this.#at += 2;
    const target = this.#name();
    if (target.toLowerCase() === "xml") {
      this.#at = start;
      this.#fail("MisplacedXmlDeclaration");
    }
    this.#at = start;
    this.#skipPast("?>", "UnclosedInstruction", 2);
  }

  #name(): string {
    const text = this.#text;
    const start = this.#at;
    let end = start;
    // ASCII names (all of plex.tv's) without a regular expression; others with it.
    if (end < text.length && isNameStart(text.charCodeAt(end))) {
      end++;
      while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    }
    if (end === start || (end < text.length && text.charCodeAt(end) >= 0x80)) {
      NAME.lastIndex = start;
      const match = NAME.exec(text);
      if (!match) this.#fail("InvalidName");
      end = start + match[0].length;
    }
    this.#at = end;
    return text.slice(start, end);
  }

  #space(): void {
    const text = this.#text;
    let at = this.#at;
    for (
      let c = text.charCodeAt(at);
      c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
      c = text.charCodeAt(at)
    ) {
      at++;
    }
    this.#at = at;
  }

  #expect(char: string, problem: string): void {
    if (this.#text[this.#at] !== char) this.#fail(problem);
    this.#at++;
  }

  /** Moves past the next `end` at least `skip` characters on (the opening markup). */
  #skipPast(end: string, problem: string, skip: number): void {
    const found = this.#text.indexOf(end, this.#at + skip);
    if (found < 0) this.#fail(problem);
    this.#at = found + end.length;
  }

  #fail(problem: string): never {
    const before = this.#text.slice(0, Math.min(this.#at, this.#text.length));
    let line = 1;
    for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) line++;
    const column = before.length - before.lastIndexOf("\n");
    throw new PlexError(
      "invalid_response",
      `The response is not well-formed XML (${problem} at line ${line}, column ${column})`,
    );
  }
}

/** `A-Z a-z _ :`, the ASCII characters a name may start with. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/** `A-Z a-z 0-9 _ : . -`, the ASCII characters a name may go on with. */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

/** Sets `key` as an own, enumerable property, even `__proto__`. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): T {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
  return value;
}
