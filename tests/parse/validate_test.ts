// parseOwned validates a freshly parsed document in place; a document that fails is put back as it
// was and reported with the same message as parse (which copies). Checked on the real account
// fixture with one wrong field at a time, at every depth.
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
import { timestamp } from "../../lib/parse/fields.ts";

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

  it("puts a failing document back as it was: converted, replaced and dropped fields at every depth", () => {
    const shape = object({
      at: nullable(timestamp),
      gone: optional(string),
      items: array(object({ t: timestamp, n: integer, name: optional(string) })),
    });
    const docs = [
      { at: 1600000000, gone: "", items: [{ t: 1, n: "1", name: "" }, { t: 2, n: "x" }], keep: true },
      { at: 1600000000, gone: null, items: [{ t: 1, n: 1 }], bad: 1, extra: { nested: [1] } },
      { at: undefined, items: [{ t: "1", n: 1, name: null }, { t: 2, n: 2 }, { t: "soon", n: 3 }] },
    ];
    for (const doc of docs) {
      const original = structuredClone(doc);
      const expected = messageOf(() => parse(shape, structuredClone(original)));
      const owned = messageOf(() => parseOwned(shape, doc));
      assert.equal(owned, expected);
      if (owned) assert.deepEqual(doc, original, "every replaced field is restored");
    }
    assert.equal(messageOf(() => parseOwned(shape, docs[0])), "items[1].n should be an integer, got string");
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
