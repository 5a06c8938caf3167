// parseOwned validates a freshly parsed document in place; a document that fails is reported with
// the same message as parse (which copies), naming the field by its whole path. Checked on the real
// account fixture with one wrong field at a time, and on a shape with every kind of container.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseAccount, processUserResponse } from "../../lib/endpoints/account.ts";
import {
  array,
  integer,
  nullable,
  object,
  optional,
  parse,
  parseOwned,
  string,
} from "../../lib/parse/validate.ts";
import { required } from "../../lib/parse/attribute_values.ts";
import { secret, timestamp } from "../../lib/parse/fields.ts";

const USER = readFileSync(new URL("../fixtures/plex.tv/user.json", import.meta.url), "utf8");

/** The error message of a run, or undefined when it passed. */
function messageOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe("parseOwned", () => {
  it("returns the document itself, converted, with its unknown fields", () => {
    const doc = JSON.parse('{"id":"7","at":1600000000,"tags":["a"],"gone":"","extra":{"x":1}}');
    const shape = object({ id: integer, at: timestamp, tags: array(string), gone: optional(string) });
    const result = parseOwned(shape, doc) as Record<string, unknown>;
    assert.equal(result, doc);
    assert.equal(result.id, 7);
    assert.ok(result.at instanceof Date);
    assert.ok(!("gone" in result), "an empty optional field is dropped, as parse drops it");
    assert.deepEqual(result.extra, { x: 1 });
    assert.deepEqual(
      { ...parse(shape, JSON.parse('{"id":"7","at":1600000000,"tags":["a"],"gone":"","extra":{"x":1}}')) },
      { ...result },
    );
  });

  it("gives the account the text path gives (processUserResponse) and parseAccount gives", () => {
    const owned = processUserResponse({ status: 200, headers: new Headers(), url: "", body: USER });
    const copied = parseAccount(JSON.parse(USER));
    const view = (a: typeof owned) =>
      JSON.stringify(a, (_k, v) => (v && typeof v === "object" && "value" in v ? `token:${v.value}` : v));
    assert.equal(view(owned), view(copied));
  });

  it("reports a wrong account field with the message parse gives (processUserResponse validates in place)", () => {
    const base = JSON.parse(USER);
    // deno-lint-ignore no-explicit-any -- the document is spoiled field by field, whatever its type
    const wrong: [string, (doc: any) => void][] = [
      ["id", (d) => (d.id = "x")],
      ["a field after converted ones", (d) => (d.rememberExpiresAt = "never")],
      ["subscription.features[10]", (d) => (d.subscription.features[10] = 5)],
      ["services[19].secret", (d) => (d.services[19].secret = ["no"])],
      ["profile.autoSelectSubtitle", (d) => (d.profile.autoSelectSubtitle = "x")],
      ["the last field", (d) => (d.attributionPartner = 3)],
      ["a whole list", (d) => (d.services = "none")],
    ];
    for (const [what, spoil] of wrong) {
      const doc = structuredClone(base);
      spoil(doc);
      const copied = messageOf(() => parseAccount(structuredClone(doc)));
      assert.ok(copied, `${what}: the document is wrong`);
      const body = JSON.stringify(doc);
      assert.equal(
        messageOf(() => processUserResponse({ status: 200, headers: new Headers(), url: "", body })),
        copied,
        what,
      );
    }
  });

  it("names the failing field by its whole path at every depth, as parse does", () => {
    const shape = object({
      at: nullable(timestamp),
      gone: optional(string),
      items: array(
        object({ t: timestamp, n: integer, name: optional(string), tags: optional(array(string)) }),
      ),
      grid: optional(array(array(integer))),
      token: optional(secret),
      pin: optional(object({ code: required(string) })),
    });
    const cases: [unknown, string][] = [
      [
        { at: 1600000000, gone: "", items: [{ t: 1, n: "1", name: "" }, { t: 2, n: "x" }] },
        "items[1].n should be an integer, got string",
      ],
      [{ at: "soon", items: [] }, "at should be a timestamp, got string"],
      [{ items: [{ t: 1, n: 1, tags: ["a", 2] }] }, "items[0].tags[1] should be a string, got number"],
      [{ items: [], grid: [[1], [2, "x"]] }, "grid[1][1] should be an integer, got string"],
      [{ items: [], token: "two words" }, "token should be printable ASCII without spaces"],
      [{ items: [], pin: {} }, "pin.code is missing"],
      [{ items: "none" }, "items should be an array, got string"],
      [[], "the response should be an object, got array"],
    ];
    for (const [doc, message] of cases) {
      assert.equal(messageOf(() => parse(shape, structuredClone(doc))), message);
      assert.equal(messageOf(() => parseOwned(shape, structuredClone(doc))), message);
    }
    assert.equal(
      messageOf(() => parse(array(shape), [{ items: [] }, { items: [{ t: "x" }] }])),
      "[1].items[0].t should be a timestamp, got string",
    );
  });

  it("leaves the value it was given unchanged when it copies (parse)", () => {
    const doc = { at: 1600000000, items: [{ t: 1, n: "1" }, { t: 2, n: "x" }] };
    const original = structuredClone(doc);
    const shape = object({ at: timestamp, items: array(object({ t: timestamp, n: integer })) });
    assert.throws(() => parse(shape, doc), { code: "invalid_response" });
    assert.deepEqual(doc, original);
    const good = { at: 1600000000, items: [{ t: 1, n: "1" }] };
    assert.equal(parse(shape, good).items[0]?.n, 1);
    assert.deepEqual(good, { at: 1600000000, items: [{ t: 1, n: "1" }] });
  });
});

describe("timestamps", () => {
  const withJoinedAt = (joinedAt: unknown) => ({ ...JSON.parse(USER), joinedAt });

  it("reads plex.tv's forms: unix seconds, ISO-8601 with a zone, and the spaced UTC form", () => {
    const instant = Date.UTC(2021, 9, 2, 17, 6, 40);
    for (
      const form of [
        1633194400,
        "1633194400",
        "2021-10-02T17:06:40Z",
        "2021-10-02T19:06:40+02:00",
        "2021-10-02T17:06:40.000Z",
        "2021-10-02 17:06:40 UTC",
      ]
    ) {
      assert.equal(parseAccount(withJoinedAt(form)).joinedAt.getTime(), instant, String(form));
    }
  });

  it("refuses text whose meaning depends on the engine or the local time zone", () => {
    for (
      const form of [
        "2021-10-02T17:06:40",
        "2021-10-02",
        "Oct 2 2021 17:06:40",
        "Sat, 02 Oct 2021 17:06:40 GMT",
        "2021-10-02T17:06:40 +0200",
        "soon",
      ]
    ) {
      assert.throws(() => parseAccount(withJoinedAt(form)), {
        name: "PlexError",
        code: "invalid_response",
        message: "joinedAt should be a timestamp, got string",
      }, form);
    }
  });
});
