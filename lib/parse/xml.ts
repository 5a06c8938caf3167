/**
 * A small, strict XML parser for plex.tv's legacy endpoints (`/devices.xml`,
 * `/api/v2/user` as XML, XML error bodies). Web standards only, no dependency.
 *
 * It checks well-formedness (matching tags, one root, quoted and unique
 * attributes, valid character references), decodes XML's five entities and
 * character references, keeps CDATA as text, and skips comments and
 * processing instructions. It refuses a DOCTYPE: plex.tv never sends one, and
 * refusing it rules out entity-expansion and external-entity attacks. Errors
 * name the problem and its line and column, never the document's text (which
 * may carry tokens).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { decodeXmlReferences, XML_NAME } from "./xml_references.ts";

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

/** Deeper documents are refused (plex.tv's are 3 or 4 levels deep). */
const MAX_DEPTH = 256;
const NAME = new RegExp(XML_NAME, "y");
const SPACE = /[ \t\r\n]*/y;

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
 * import assert from "node:assert/strict";
 * import { parseXml } from "./xml.ts";
 * const root = parseXml('<errors><error code="1001" message="User could not be authenticated"/></errors>');
 * assert.equal(root.children.error?.[0]?.attributes.code, "1001");
 * ```
 */
export function parseXml(text: string): XmlElement {
  if (typeof text !== "string") throw new PlexError("invalid_response", "The XML response is not text");
  return new _XmlReader(text).document();
}

interface OpenElement {
  element: XmlElement;
  texts: string[];
}

class _XmlReader {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  document(): XmlElement {
    if (this.#text.startsWith("<?xml")) this.#skipPast("?>", "UnclosedDeclaration");
    this.#misc();
    if (this.#text.startsWith("<!DOCTYPE", this.#at)) this.#fail("DoctypeNotAllowed");
    if (this.#text[this.#at] !== "<") {
      this.#fail(this.#at >= this.#text.length ? "NoRootElement" : "TextOutsideRoot");
    }
    const root = this.#element();
    this.#misc();
    if (this.#at < this.#text.length) {
      if (this.#text[this.#at] === "<") this.#fail("MoreThanOneRoot");
      this.#fail("TextOutsideRoot");
    }
    return root;
  }

  /** Whitespace, comments and processing instructions between top-level items. */
  #misc(): void {
    for (;;) {
      this.#space();
      if (this.#text.startsWith("<!--", this.#at)) this.#comment();
      else if (this.#text.startsWith("<?", this.#at)) this.#skipPast("?>", "UnclosedInstruction");
      else return;
    }
  }

  /** The root element and everything inside it, without recursion. */
  #element(): XmlElement {
    const stack: OpenElement[] = [];
    let root: XmlElement | undefined;
    for (;;) {
      if (this.#at >= this.#text.length) this.#fail("UnclosedTag");
      const current = stack[stack.length - 1];
      if (this.#text[this.#at] !== "<") {
        if (!current) this.#fail("TextOutsideRoot");
        current.texts.push(this.#characters());
        continue;
      }
      if (this.#text.startsWith("</", this.#at)) {
        if (!current) this.#fail("UnexpectedEndTag");
        this.#at += 2;
        const name = this.#name();
        this.#space();
        if (name !== current.element.name) this.#fail("MismatchedEndTag");
        this.#expect(">", "InvalidEndTag");
        this.#close(stack.pop()!);
        if (stack.length === 0) return root!;
      } else if (this.#text.startsWith("<!--", this.#at)) {
        if (!current) this.#fail("TextOutsideRoot");
        this.#comment();
      } else if (this.#text.startsWith("<![CDATA[", this.#at)) {
        if (!current) this.#fail("TextOutsideRoot");
        const start = this.#at + 9;
        this.#skipPast("]]>", "UnclosedCdata");
        current.texts.push(this.#text.slice(start, this.#at - 3));
      } else if (this.#text.startsWith("<?", this.#at)) {
        if (!current) this.#fail("TextOutsideRoot");
        this.#skipPast("?>", "UnclosedInstruction");
      } else if (this.#text.startsWith("<!", this.#at)) {
        this.#fail(this.#text.startsWith("<!DOCTYPE", this.#at) ? "DoctypeNotAllowed" : "InvalidMarkup");
      } else {
        this.#at++;
        const element: XmlElement = { name: this.#name(), attributes: {}, children: {}, text: "" };
        const selfClosing = this.#attributes(element.attributes);
        if (current) {
          const siblings = Object.hasOwn(current.element.children, element.name)
            ? current.element.children[element.name]!
            : setOwn(current.element.children, element.name, []);
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

  #close(open: OpenElement): void {
    open.element.text = open.texts.join("").trim();
  }

  /** Reads attributes up to `>` or `/>`; answers whether the tag closed itself. */
  #attributes(into: Record<string, string>): boolean {
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
      const name = this.#name();
      this.#space();
      this.#expect("=", "InvalidAttribute");
      this.#space();
      const quote = this.#text[this.#at];
      if (quote !== '"' && quote !== "'") this.#fail("UnquotedAttribute");
      const end = this.#text.indexOf(quote, this.#at + 1);
      if (end < 0) this.#fail("UnclosedAttribute");
      const raw = this.#text.slice(this.#at + 1, end);
      if (raw.includes("<")) this.#fail("InvalidAttribute");
      if (Object.hasOwn(into, name)) this.#fail("DuplicateAttribute");
      setOwn(into, name, this.#decode(raw, this.#at + 1));
      this.#at = end + 1;
    }
  }

  #characters(): string {
    const end = this.#text.indexOf("<", this.#at);
    const stop = end < 0 ? this.#text.length : end;
    const raw = this.#text.slice(this.#at, stop);
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

  #comment(): void {
    this.#skipPast("-->", "UnclosedComment");
  }

  #name(): string {
    NAME.lastIndex = this.#at;
    const match = NAME.exec(this.#text);
    if (!match) this.#fail("InvalidName");
    this.#at += match[0].length;
    return match[0];
  }

  #space(): void {
    SPACE.lastIndex = this.#at;
    SPACE.exec(this.#text);
    this.#at = SPACE.lastIndex;
  }

  #expect(char: string, problem: string): void {
    if (this.#text[this.#at] !== char) this.#fail(problem);
    this.#at++;
  }

  #skipPast(end: string, problem: string): void {
    const found = this.#text.indexOf(end, this.#at + 2);
    if (found < 0) this.#fail(problem);
    this.#at = found + end.length;
  }

  #fail(problem: string): never {
    const before = this.#text.slice(0, Math.min(this.#at, this.#text.length));
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    throw new PlexError(
      "invalid_response",
      `The response is not well-formed XML (${problem} at line ${line}, column ${column})`,
    );
  }
}

/** Sets `key` as an own, enumerable property, even `__proto__`. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}
