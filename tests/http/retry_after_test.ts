// Retry-After parsing: delay seconds and the three HTTP date forms, strictly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRetryAfter } from "../../protocol.ts";

const NOW = Date.UTC(1994, 10, 6, 8, 49, 0); // Sun, 06 Nov 1994 08:49:00 GMT

describe("parseRetryAfter", () => {
  it("reads delay seconds, 0 included, with surrounding spaces", () => {
    assert.equal(parseRetryAfter("0"), 0);
    assert.equal(parseRetryAfter(" 120 "), 120_000);
  });

  it("reads IMF-fixdate, RFC 850 and asctime dates, relative to now", () => {
    assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", NOW), 37_000);
    assert.equal(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", NOW), 37_000);
    assert.equal(parseRetryAfter("Sun Nov  6 08:49:37 1994", NOW), 37_000);
  });

  it("reads a two-digit year more than 50 years ahead as the past century", () => {
    const now = Date.UTC(2030, 0, 1);
    assert.equal(parseRetryAfter("Friday, 01-Jan-99 00:00:00 GMT", now), 0, "1999, in the past");
    assert.equal(parseRetryAfter("Tuesday, 01-Jan-70 00:00:00 GMT", now), Date.UTC(2070, 0, 1) - now, "2070");
    assert.equal(parseRetryAfter("Tuesday, 01-Jan-30 00:00:10 GMT", now), 10_000, "2030");
  });

  it("answers 0 for a date in the past", () => {
    assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", NOW), 0);
  });

  it("answers undefined for absent, negative, fractional, free-text and impossible values", () => {
    for (
      const value of [
        null,
        undefined,
        "",
        "-5",
        "1.5",
        "+3",
        "soon",
        "1e3",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:00:00 GMT",
        "06 Nov 1994 08:49:37 GMT",
        "2024-01-01T00:00:00Z",
      ]
    ) {
      assert.equal(parseRetryAfter(value, NOW), undefined, String(value));
    }
  });

  it("caps absurd delays at a finite value", () => {
    const ms = parseRetryAfter("9".repeat(400));
    assert.ok(Number.isFinite(ms) && ms! > 0);
  });
});
