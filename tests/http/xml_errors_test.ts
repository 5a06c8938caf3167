// The reader of plex.tv's XML error bodies (lib/http/xml_errors.ts) reads what
// the XML parser reads from every error document, refuses what it refuses, and
// stays linear on huge bodies.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { errorFromResponse } from "../../lib/http/error_body.ts";
import { readXmlErrors, type XmlError } from "../../lib/http/xml_errors.ts";
import { parseXml } from "../../lib/parse/xml.ts";
import { fixture } from "../_helpers/fixtures.ts";

/** The `<error>` elements as the XML parser reads them, or `undefined` when it refuses the document. */
function viaParser(text: string): XmlError[] | undefined {
  let root;
  try {
    root = parseXml(text);
  } catch {
    return undefined;
  }
  const items = root.name === "errors" ? root.children.error ?? [] : root.name === "error" ? [root] : [];
  return items.map((e) => ({ attributes: e.attributes, text: e.text }));
}

const plain = (errors: XmlError[] | undefined) =>
  errors?.map((e) => ({ attributes: { ...e.attributes }, text: e.text }));

describe("XML error bodies", () => {
  it("reads plex.tv's recorded XML errors", async () => {
    for (const [name, code] of [["error_xml_1029.xml", 1029], ["error_xml_1031.xml", 1031]] as const) {
      const body = await fixture(name);
      assert.deepEqual(plain(readXmlErrors(body.trim())), plain(viaParser(body)));
      assert.equal(errorFromResponse(401, body).details[0]?.code, code);
    }
  });

  it("reads the message of an element's text, and decodes references as the parser does", () => {
    const body = "<errors>\n  <error>Not &quot;you&quot; &#x263A;</error>\n</errors>";
    assert.deepEqual(plain(readXmlErrors(body)), [{ attributes: {}, text: 'Not "you" ☺' }]);
    assert.equal(errorFromResponse(400, body).message, 'plex.tv answered 400: Not "you" ☺');
  });

  it("refuses what is not well-formed, as the parser does", () => {
    for (
      const body of [
        '<errors><error code="1" code="2"/></errors>',
        '<errors><error message="a < b"/></errors>',
        "<errors><error>x</errors>",
        "<errors><error>x</error/></errors>",
        '<errors><error message="&bogus;"/></errors>',
        "<errors><error/></errors><errors/>",
        "<errors><error/>",
        '<?xml version="1.0"',
      ]
    ) {
      assert.equal(readXmlErrors(body), undefined, body);
      assert.equal(viaParser(body), undefined, body);
    }
  });

  it("reads nothing from other documents", () => {
    for (
      const body of ["<html><body>502 Bad Gateway</body></html>", "<errorsx/>", "<errors><errorx/></errors>"]
    ) {
      assert.equal(readXmlErrors(body), undefined, body);
      assert.deepEqual(errorFromResponse(502, body).details, []);
    }
  });

  it("reads exactly what the parser reads from any error document", () => {
    const text = fc.string({
      unit: fc.constantFrom(
        "a",
        " ",
        "&amp;",
        "&#65;",
        "&#10;",
        "&",
        "<",
        ">",
        '"',
        "'",
        "\n",
        "\r\n",
        "\r",
        "\t",
      ),
    });
    const element = fc.record({
      attributes: fc.array(fc.tuple(fc.constantFrom("code", "message", "status", "__proto__"), text), {
        maxLength: 3,
      }),
      selfClosing: fc.boolean(),
      text,
      space: fc.constantFrom("", " ", "\n", "\r\n"),
    });
    const render = (
      e: { attributes: [string, string][]; selfClosing: boolean; text: string; space: string },
    ) =>
      `<error${e.attributes.map(([name, value]) => ` ${name}="${value}"`).join("")}${e.space}` +
      (e.selfClosing ? "/>" : `>${e.text}</error${e.space}>`);
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), fc.boolean(), (elements, wrapped) => {
        const body = wrapped ? `<errors>${elements.map(render).join("\n ")}</errors>` : render(elements[0]!);
        assert.deepEqual(plain(readXmlErrors(body)), plain(viaParser(body)), body);
      }),
      { numRuns: 2_000 },
    );
  });

  it("stays linear on a huge body", () => {
    // A reader that backtracks would take hours on these; sticky patterns that never go back take milliseconds.
    const spaces = `<errors>${" ".repeat(2_000_000)}<error`;
    const attributes = `<errors><error${' a="x"'.repeat(200_000)}`;
    assert.equal(readXmlErrors(spaces), undefined);
    assert.equal(readXmlErrors(attributes), undefined);
  });
});
