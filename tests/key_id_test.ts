// Key ids. The thumbprint is plextv's own (lib/key_thumbprint.ts): it is
// compared with jose's calculateJwkThumbprint, on whichever runtime runs the
// suite (Bun's SHA-256 under bun test, Web Crypto's elsewhere). A stored
// private key's id is the thumbprint of the key its private part derives to,
// and a key read twice in a process is derived once.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { calculateJwkThumbprint } from "jose";
import { exportPrivateJwk, generateDeviceKey, isPlexError, jwkThumbprint } from "../mod.ts";
import { privateKeyId } from "../lib/store/key_id.ts";

/** Runs `body` and counts Web Crypto key exports meanwhile (jose exports through `crypto.subtle`). */
async function countingExports<T>(body: () => Promise<T>): Promise<{ result: T; exports: number }> {
  const subtle = crypto.subtle as SubtleCrypto & { exportKey: SubtleCrypto["exportKey"] };
  const original = subtle.exportKey;
  let exports = 0;
  subtle.exportKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto["exportKey"]>) {
    exports++;
    return original.apply(this, args);
  } as SubtleCrypto["exportKey"];
  try {
    return { result: await body(), exports };
  } finally {
    delete (subtle as { exportKey?: unknown }).exportKey;
    if (subtle.exportKey !== original) subtle.exportKey = original;
  }
}

describe("jwkThumbprint", () => {
  it("gives RFC 8037's key id for its example key (appendix A.3)", async () => {
    const x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    assert.equal(
      await jwkThumbprint({ kty: "OKP", crv: "Ed25519", x }),
      "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
    );
  });

  it("agrees with jose's calculateJwkThumbprint", async () => {
    for (let i = 0; i < 16; i++) {
      const { x } = (await generateDeviceKey()).publicJwk;
      const jwk = { kty: "OKP" as const, crv: "Ed25519" as const, x };
      assert.equal(await jwkThumbprint(jwk), await calculateJwkThumbprint(jwk, "sha256"), x);
    }
  });

  it("refuses what is not an Ed25519 public JWK, such as an x that is not 32 bytes of base64url", async () => {
    const x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    const bad = [
      { kty: "EC", crv: "P-256", x },
      { kty: "OKP", crv: "X25519", x },
      { kty: "OKP", crv: "Ed25519", x: "" },
      { kty: "OKP", crv: "Ed25519", x: x.slice(1) },
      { kty: "OKP", crv: "Ed25519", x: `${x}=` },
      { kty: "OKP", crv: "Ed25519", x: `${x.slice(1)}"` }, // jose would hash it as given
      { kty: "OKP", crv: "Ed25519", x: `${x.slice(1)}é` }, // jose refuses it with a TypeError
      { kty: "OKP", crv: "Ed25519", x: 42 },
      null,
    ];
    for (const jwk of bad) {
      await assert.rejects(
        jwkThumbprint(jwk as never),
        (err) => isPlexError(err, "invalid_argument"),
        JSON.stringify(jwk),
      );
    }
  });
});

describe("privateKeyId", () => {
  it("is the device key's id, and the x its private part derives to", async () => {
    const key = await generateDeviceKey();
    const jwk = await exportPrivateJwk(key.privateKey);
    assert.deepEqual(await privateKeyId(jwk), { keyId: key.keyId, x: jwk.x });
  });

  it("never takes the JWK's x on trust: another key's x gives d's own key id, or (Node) an error", async () => {
    const key = await generateDeviceKey();
    const other = await generateDeviceKey();
    const jwk = await exportPrivateJwk(key.privateKey);
    const mixed = { ...jwk, x: other.publicJwk.x };
    for (let i = 0; i < 2; i++) { // the second time from what the first remembered
      try {
        assert.deepEqual(await privateKeyId(mixed), { keyId: key.keyId, x: jwk.x });
      } catch (err) {
        assert.ok(isPlexError(err, "invalid_argument"), String(err));
      }
    }
    // The mixed JWK read last does not stand in for the true one, nor the reverse.
    assert.deepEqual(await privateKeyId(jwk), { keyId: key.keyId, x: jwk.x });
    await privateKeyId(mixed).then(
      (read) => assert.notEqual(read.x, mixed.x),
      (err) => assert.ok(isPlexError(err, "invalid_argument")),
    );
  });

  it("derives a key read twice in a row once, and each new key again", async () => {
    const first = await exportPrivateJwk((await generateDeviceKey()).privateKey);
    const second = await exportPrivateJwk((await generateDeviceKey()).privateKey);
    assert.equal((await countingExports(() => privateKeyId(first))).exports, 1);
    const again = await countingExports(() => privateKeyId({ ...first }));
    assert.equal(again.exports, 0);
    assert.equal(again.result.x, first.x);
    assert.equal((await countingExports(() => privateKeyId(second))).exports, 1);
    assert.equal((await countingExports(() => privateKeyId(first))).exports, 1);
  });

  it("refuses a JWK that is not an Ed25519 private key", async () => {
    const { d: _d, ...publicOnly } = await exportPrivateJwk((await generateDeviceKey()).privateKey);
    for (
      const bad of [publicOnly, { kty: "RSA", n: "abc", e: "AQAB", d: "abc" }, {
        kty: "OKP",
        crv: "Ed25519",
        x: "abc",
        d: "abc",
      }]
    ) {
      await assert.rejects(
        privateKeyId(bad),
        (err) => isPlexError(err, "invalid_argument"),
        JSON.stringify(bad),
      );
    }
  });
});
