import { fixture } from "../_helpers/fixtures.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isPlexError, Token } from "../../mod.ts";
import { processRegisteredDevicesResponse } from "../../protocol.ts";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { configFor, rejectsWith, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

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

  it("reads line ends as \\n, and a tab or line end written in an attribute as a space (XML 1.0 §2.11, §3.3.3)", () => {
    const root = parseXml('<a x="1\r\n2\t3\n4\r5" y="a&#10;b&#9;c&#13;d">l1\r\nl2\rl3\n<b z="\r\n"/></a>');
    assert.equal(root.attributes.x, "1 2 3 4 5");
    assert.equal(root.attributes.y, "a\nb\tc\rd", "whitespace from a reference is kept");
    assert.equal(root.children.b?.[0]?.attributes.z, " ");
    assert.equal(root.text, "l1\nl2\nl3");
    rejects('<a>\r\n\r\n<b x="&bad;"/></a>', /InvalidEntity at line 3, column 7/);
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

  it("refuses ]]> in text, where only CDATA may end with it", () => {
    rejects("<a>x ]]> y</a>", /CdataEndInText at line 1, column 6/);
    rejects("<a><b/>]]></a>", /CdataEndInText/);
    assert.equal(parseXml("<a><![CDATA[x]]> ]</a>").text, "x ]");
    assert.equal(parseXml('<a k="]]>"/>').attributes.k, "]]>", "attribute values may hold it");
  });

  it("refuses -- inside a comment and a comment ending in ---", () => {
    rejects("<a><!-- one -- two --></a>", /DoubleHyphenInComment at line 1, column 13/);
    rejects("<a><!-- x ---></a>", /DoubleHyphenInComment/);
    rejects("<!-- -- --><a/>", /DoubleHyphenInComment/);
    rejects("<a><!--></a>", /UnclosedComment/);
    assert.equal(parseXml("<a><!----><!-- - x - -->t</a>").text, "t");
  });

  it("refuses NUL and every character XML forbids, wherever it is", () => {
    for (
      const char of [
        "\u0000",
        "\u0001",
        "\u0008",
        "\u000B",
        "\u000C",
        "\u001F",
        "\uFFFE",
        "\uFFFF",
        "\uD800",
        "\uDC00",
      ]
    ) {
      for (
        const doc of [
          `<a>${char}</a>`,
          `<a k="${char}"/>`,
          `<a><!--${char}--></a>`,
          `<a><![CDATA[${char}]]></a>`,
          `<a/>${char}`,
        ]
      ) {
        rejects(doc, /InvalidCharacter/);
      }
    }
    rejects("<a>ok</a>\n\n<\u0000", /InvalidCharacter at line 3, column 2/);
    assert.equal(parseXml("<a>\t\r\n😀 \u00e9\uFFFD</a>").text, "😀 \u00e9\uFFFD", "allowed characters stay");
  });

  it("accepts the XML declaration only at the very start", () => {
    assert.equal(parseXml('<?xml version="1.0" encoding="UTF-8"?><a/>').name, "a");
    assert.equal(parseXml('\uFEFF<?xml version="1.0"?>\n<a/>').name, "a", "after a byte order mark");
    assert.equal(
      parseXml('<?xml-stylesheet href="s.css"?><a/>').name,
      "a",
      "another instruction named xml-…",
    );
    for (
      const doc of [
        '\n<?xml version="1.0"?><a/>',
        ' <?xml version="1.0"?><a/>',
        '<!-- c --><?xml version="1.0"?><a/>',
        '<a><?xml version="1.0"?></a>',
        '<a/><?xml version="1.0"?>',
        '<?xml version="1.0"?><?xml version="1.0"?><a/>',
        '<a><?XML version="1.0"?></a>',
      ]
    ) {
      rejects(doc, /MisplacedXmlDeclaration/);
    }
  });

  // The bound is wide on purpose (a shared, loaded machine): a parse that is not linear in the body takes
  // minutes on these shapes, a linear one well under a second on an idle machine.
  it("refuses hostile 8 MiB bodies at once, and parses hostile 2 MiB ones in seconds, not minutes", () => {
    const size = (mib: number) => mib * 1024 * 1024 - 64;
    const fill = (unit: string, length: number, open = "<MediaContainer>", close = "</MediaContainer>") =>
      open + unit.repeat(Math.floor((length - open.length - close.length) / unit.length)) + close;
    const shapes = [
      (n: number) => fill("<Device/>", n),
      (n: number) => fill('<Device name="x" product="y" clientIdentifier="z"/>', n),
      (n: number) => fill("&amp;", n),
      (n: number) => fill("&#x1F600;", n),
      (n: number) => fill("t<b>u</b>", n),
      (n: number) => fill("<a><b><c>t</c></b></a>", n),
      (n: number) => fill("<!-- c -->", n),
      (n: number) => fill("<![CDATA[x]]>", n),
      (n: number) => fill('<e k="&lt;&amp;&#65;"/>', n),
      (n: number) =>
        "<MediaContainer>" + Array.from({ length: Math.floor(n / 12) }, (_, i) => `<d${i}/>`).join(""),
      (n: number) => "<MediaContainer>" + "&".repeat(n),
      (n: number) => "<MediaContainer " + "a".repeat(n),
    ];
    for (const [i, shape] of shapes.entries()) {
      for (const mib of [8, 2]) {
        const body = shape(size(mib));
        const started = performance.now();
        let outcome: unknown;
        try {
          outcome = processRegisteredDevicesResponse({ status: 200, headers: new Headers(), url: "", body });
        } catch (err) {
          outcome = err;
        }
        const blocked = performance.now() - started;
        assert.ok(
          blocked < 10_000,
          `shape ${i}, ${mib} MiB: the parse blocked for ${Math.round(blocked)} ms`,
        );
        if (mib === 8) assert.ok(isPlexError(outcome, "response_too_large"), `shape ${i}: ${outcome}`);
        else assert.ok(Array.isArray(outcome) || isPlexError(outcome), `shape ${i}: ${outcome}`);
      }
    }
  });

  it("an 8 MiB devices.xml from plex.tv is refused as response_too_large", async () => {
    const body = `<MediaContainer>${"<Device/>".repeat(900_000)}</MediaContainer>`;
    emulator.inject({
      match: "GET /devices.xml",
      kind: "status",
      status: 200,
      body,
      contentType: "application/xml",
    });
    const config = configFor(emulator);
    const client = config.client({ token: () => Promise.resolve(new Token("abcdefghij0123456789")) });
    await rejectsWith(client.registeredDevices(), "response_too_large");
  });

  it("rejects input that is not text", () => {
    assert.throws(() => parseXml(42 as unknown as string), (err) => isPlexError(err, "invalid_response"));
  });
});
