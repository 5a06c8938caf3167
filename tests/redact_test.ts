// Redaction of URLs and error chains.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { redactUrl } from "../lib/redact/url.ts";
import { redactError, redactSecrets } from "../lib/redact/secrets.ts";

describe("redactUrl", () => {
  it("hides every token-bearing query parameter, case-insensitively", () => {
    assert.equal(
      redactUrl("https://plex.tv/a?X-Plex-Token=t1&x-plex-token=t2&deviceJWT=a.b.c&jwt=j&authToken=k&keep=1"),
      "https://plex.tv/a?X-Plex-Token=***&x-plex-token=***&deviceJWT=***&jwt=***&authToken=***&keep=1",
    );
  });

  it("stops at the end of a URL inside a message, so the rest of the message stays", () => {
    assert.equal(
      redactUrl("error sending request for url (http://h/p?deviceJWT=eyJ.x.y): Connection refused"),
      "error sending request for url (http://h/p?deviceJWT=***): Connection refused",
    );
    assert.equal(redactUrl('"https://h/?token=abc" and more'), '"https://h/?token=***" and more');
  });

  it("hides the credentials of URLs", () => {
    assert.equal(
      redactUrl("redis://user:s3cret@db:6379/0 https://me@host/x"),
      "redis://***@db:6379/0 https://***@host/x",
    );
  });
});

describe("redactError", () => {
  it("copies a cause chain with messages and stacks redacted, keeping names and codes", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED http://h/?X-Plex-Token=inner-secret"), {
      code: "ECONNREFUSED",
    });
    const outer = new TypeError("fetch failed for http://h/?deviceJWT=outer.secret.jwt", { cause: inner });
    const safe = redactError(outer, ["extra-secret"]) as TypeError & { cause: Error & { code: string } };
    assert.equal(safe.name, "TypeError");
    assert.equal(safe.cause.code, "ECONNREFUSED");
    const printed = inspect(safe, { depth: 5 }) + String(safe.stack) + String(safe.cause.stack);
    for (const secret of ["inner-secret", "outer.secret.jwt"]) assert.ok(!printed.includes(secret), secret);
  });

  it("redacts strings and leaves other primitives", () => {
    assert.equal(redactError("http://h/?token=abc"), "http://h/?token=***");
    assert.equal(redactError(42), 42);
    assert.equal(redactError(undefined), undefined);
  });

  it("survives odd throwables", () => {
    const weird = {
      get message(): string {
        throw new Error("no");
      },
    };
    assert.ok(redactError(weird) instanceof Error);
    assert.ok(redactError(Object.create(null)) instanceof Error);
  });
});

describe("redactSecrets", () => {
  it("hides exact secrets of 4 characters or more", () => {
    assert.equal(redactSecrets("pw=hunter2 id=abc", ["hunter2", "abc"]), "pw=*** id=abc");
  });

  it("hides a long secret wherever it is, a short one only where it stands on its own", () => {
    const token = "abcdefghij0123456789";
    assert.equal(redactSecrets(`x${token}y and ${token}`, [token]), "x***y and ***");
    const short = ["4100", "wrong", "a.b*c"];
    assert.equal(
      redactSecrets("id 41000001, PIN 4100; code wrong_passphrase, typed wrong. a.b*c!", short),
      "id 41000001, PIN ***; code wrong_passphrase, typed ***. ***!",
    );
  });
});

describe("redactUrl", () => {
  it("hides a password that holds an @, up to the last @ before the host", () => {
    assert.equal(
      redactUrl("redis://:p@ssw0rd-secret@127.0.0.1:6391/0?key=k"),
      "redis://***@127.0.0.1:6391/0?key=k",
    );
  });
});
