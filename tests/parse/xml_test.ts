import { fixture } from "../_helpers/fixtures.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isPlexError } from "../../mod.ts";
import { parseXml } from "../../lib/parse/xml.ts";

function rejects(text: string, problem: RegExp): void {
  assert.throws(
    () => parseXml(text),
    (err) => isPlexError(err, "invalid_response") && problem.test(err.message),
  );
}

describe("parseXml", () => {
  it("reads elements, attributes, repeated children, text, CDATA and references", () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<!-- c --><a x="1" y='2 &amp; &quot;3&quot;'>t <![CDATA[<raw>]]> &#x41;&#66;` +
        `<?pi skipped?><b/><b k="v">q</b></a>\n`,
    );
    assert.equal(root.name, "a");
    assert.deepEqual(root.attributes, { x: "1", y: '2 & "3"' });
    assert.equal(root.text, "t <raw> AB");
    assert.deepEqual(root.children.b?.map((b) => [b.attributes.k, b.text]), [[undefined, ""], ["v", "q"]]);
  });

  it("keeps the text's inner spaces, CDATA verbatim, and long character references", () => {
    assert.equal(parseXml("<a>foo <b/> bar</a>").text, "foo  bar");
    assert.equal(parseXml("<a>hello <![CDATA[ world ]]></a>").text, "hello  world");
    assert.equal(parseXml("<a>&#x000000041;&#00000066;</a>").text, "AB");
  });

  it("keeps names like __proto__ as plain own properties", () => {
    const root = parseXml('<a __proto__="x" constructor="y"><__proto__/></a>');
    assert.equal(Object.getPrototypeOf(root.attributes), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(root.attributes, "__proto__")?.value, "x");
    assert.equal(root.attributes.constructor, "y");
    assert.equal(Object.getOwnPropertyDescriptor(root.children, "__proto__")?.value.length, 1);
  });

  it("parses every XML fixture plex.tv sent", async () => {
    const devices = parseXml(await fixture("devices.xml"));
    assert.equal(devices.name, "MediaContainer");
    assert.ok((devices.children.Device?.length ?? 0) >= 5);
    assert.equal(devices.children.Device?.[2]?.children.Connection?.length, 2);
    const user = parseXml(await fixture("user.xml"));
    assert.equal(
      user.children.subscription?.[0]?.children.features?.[0]?.children.feature?.[0]?.attributes.id,
      "companions_sonos",
    );
    for (
      const name of [
        "error_xml_1029.xml",
        "error_xml_1031.xml",
        "invites.xml",
        "resources_v1.xml",
        "users_v1.xml",
      ]
    ) {
      assert.ok(parseXml(await fixture(name)).name.length > 0, name);
    }
  });

  it("names the problem and its position, never the document's text", () => {
    rejects("<a", /UnclosedTag at line 1, column 3/);
    rejects("<a>\n<b>\n</a>", /MismatchedEndTag at line 3, column 4/);
    rejects("<a x=1/>", /UnquotedAttribute/);
    rejects('<a x="1" x="2"/>', /DuplicateAttribute/);
    rejects('<a x="1"y="2"/>', /InvalidAttribute/);
    rejects('<a x="<"/>', /InvalidAttribute/);
    rejects("<a>&secret-token;</a>", /InvalidEntity/);
    rejects("<a>&#0;</a>", /InvalidEntity/);
    rejects("<a>& b</a>", /InvalidEntity/);
    rejects("text", /TextOutsideRoot/);
    rejects("<a/>tail", /TextOutsideRoot/);
    rejects("", /NoRootElement/);
    rejects("<a/><b/>", /MoreThanOneRoot at line 1, column 5/);
    rejects("<a><!-- open</a>", /UnclosedComment/);
    rejects("<a><![CDATA[x</a>", /UnclosedCdata/);
    rejects("<html><body>oops", /UnclosedTag/);
    assert.throws(
      () => parseXml('<a t="abcdefghij0123456789"'),
      (err) => !String((err as Error).message).includes("abcdef"),
    );
  });

  it("refuses a DOCTYPE, so no entity can expand", () => {
    rejects('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', /DoctypeNotAllowed/);
  });

  it("refuses documents nested deeper than 256 levels, quickly", () => {
    const started = performance.now();
    assert.throws(
      () => parseXml("<a>".repeat(100_000)),
      (err) => isPlexError(err, "invalid_response") && /nested too deeply/.test(err.message),
    );
    assert.ok(parseXml("<a>".repeat(200) + "</a>".repeat(200)).children.a);
    assert.ok(performance.now() - started < 5_000);
  });

  it("rejects input that is not text", () => {
    assert.throws(() => parseXml(42 as unknown as string), (err) => isPlexError(err, "invalid_response"));
  });
});
