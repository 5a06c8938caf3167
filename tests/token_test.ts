import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { encodeBase64Url } from "../lib/parse/base64url_encode.ts";
import { isPlexError, Token } from "../mod.ts";

function jwt(claims: Record<string, unknown>): string {
  return `${encodeBase64Url(JSON.stringify({ alg: "EdDSA", typ: "JWT" }))}.${
    encodeBase64Url(JSON.stringify(claims))
  }.c2ln`;
}

describe("Token", () => {
  it("tells a legacy token from a JWT and reads the JWT's claims and expiry", () => {
    const legacy = new Token("abcdefghij0123456789");
    assert.ok(legacy.isLegacy() && !legacy.isJwt());
    assert.equal(legacy.claims, undefined);
    assert.equal(legacy.expiresAt, undefined);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = new Token(jwt({ iss: "plex.tv", exp, thumbprint: "kid-1" }));
    assert.ok(token.isJwt() && !token.isLegacy());
    assert.equal(token.claims?.thumbprint, "kid-1");
    assert.equal(token.expiresAt?.getTime(), exp * 1000);
    assert.equal(Token.from(token), token);
    assert.equal(Token.from("abcdefghij0123456789").value, "abcdefghij0123456789");
  });

  it("validates: a legacy token always, a JWT until its exp", () => {
    new Token("abcdefghij0123456789").validate();
    const exp = 2_000_000_000;
    const token = new Token(jwt({ exp }));
    token.validate(new Date((exp - 1) * 1000));
    assert.ok(token.isValid(new Date((exp - 1) * 1000)));
    assert.throws(() => token.validate(new Date(exp * 1000)), (err) => isPlexError(err, "expired_token"));
    assert.ok(!token.isValid(new Date(exp * 1000 + 1)));
    assert.throws(
      () => new Token(jwt({ iss: "plex.tv" })).validate(),
      (err) => isPlexError(err, "invalid_token"),
    );
  });

  it("refuses to judge a token against a time that is not a valid Date: an expired JWT never passes", () => {
    const expired = new Token(jwt({ exp: 1_000_000_000 }));
    for (const now of [new Date(NaN), "2020-01-01", 0, null]) {
      assert.throws(
        () => expired.validate(now as Date),
        (err) => isPlexError(err, "invalid_argument"),
        String(now),
      );
      assert.equal(expired.isValid(now as Date), false, String(now));
    }
    assert.throws(
      () => new Token("abcdefghij0123456789").validate(new Date(NaN)),
      (err) => isPlexError(err, "invalid_argument"),
    );
  });

  it("refuses empty values and values with whitespace or control characters, without quoting them", () => {
    for (const bad of ["", "has space", "line\nbreak", "tab\there", "nul\0"]) {
      assert.throws(
        () => new Token(bad),
        (err) => isPlexError(err, "invalid_token") && !err.message.includes(bad || "@"),
      );
    }
  });

  it("never prints the secret: String, JSON, template literals, util.inspect", () => {
    const secret = "abcdefghij0123456789";
    const signed = jwt({ exp: 2_000_000_000, user: { username: "plexuser" } });
    for (const token of [new Token(secret), new Token(signed)]) {
      for (
        const printed of [
          String(token),
          `${token}`,
          JSON.stringify({ token }),
          inspect(token),
          inspect({ token }),
        ]
      ) {
        assert.ok(!printed.includes(token.value.slice(0, 12)), printed);
        assert.match(printed, /Token\((legacy|jwt), \*\*\*/);
      }
    }
  });
});
