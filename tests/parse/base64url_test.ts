// Base64url both ways, checked against node:buffer's base64url (each
// runtime's own implementation): every length from 0 to 70 bytes of random
// data, with and without padding, with and without the runtime's own encoder,
// and the texts that are not base64url.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { isPlexError } from "../../mod.ts";
import { decodeBase64Url } from "../../lib/parse/base64url.ts";
import { encodeBase64Url } from "../../lib/parse/base64url_encode.ts";

describe("base64url", () => {
  it("encodes and decodes as node:buffer does, padded or not", () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const text = Buffer.from(bytes).toString("base64url");
      assert.equal(encodeBase64Url(bytes), text);
      assert.deepEqual([...decodeBase64Url(text)], [...bytes], text);
      const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
      assert.deepEqual([...decodeBase64Url(padded)], [...bytes], padded);
    }
  });

  it("encodes the same without the runtime's toBase64 (as on Node 20), across its 32 KiB steps", () => {
    for (const length of [0, 1, 2, 3, 31, 32, 33, 0x8000 - 1, 0x8000, 0x8000 + 1, 65_536]) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const expected = Buffer.from(bytes).toString("base64url");
      // An own property shadows Uint8Array.prototype.toBase64, so the portable encoder runs.
      Object.defineProperty(bytes, "toBase64", { value: undefined });
      assert.equal(encodeBase64Url(bytes), expected, `${length} bytes`);
    }
  });

  it("ignores the unused low bits of the last character, as node:buffer does", () => {
    for (const text of ["aGl", "aGk", "aB", "aA", "_-8"]) {
      assert.deepEqual([...decodeBase64Url(text)], [...Buffer.from(text, "base64url")], text);
    }
  });

  it("encodes text as its UTF-8 bytes", () => {
    assert.equal(encodeBase64Url("é?~"), Buffer.from("é?~").toString("base64url"));
  });

  it("refuses what is not base64url, with invalid_argument", () => {
    for (const text of ["a", "abcde", "ab+c", "ab/c", "ab=c", "ab===", "a b", "ab\n", "é"]) {
      assert.throws(() => decodeBase64Url(text), (err) => isPlexError(err, "invalid_argument"), text);
    }
  });
});
