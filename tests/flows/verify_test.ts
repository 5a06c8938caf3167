import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateDeviceKey, PlexKeySet, Token } from "../../mod.ts";
import { processPlexKeysResponse } from "../../protocol.ts";
import { decodeJwt, signJwt } from "../_helpers/jwt.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { configFor, rejectsWith, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({ nonceRateLimit: 1000 }, (started) => emulator = started);

const KEYS = "GET /api/v2/auth/keys";

describe("plexPublicKeys", () => {
  it("returns the emulator's published Ed25519 keys", async () => {
    const keys = await configFor(emulator).plexPublicKeys();
    assert.deepEqual(keys, emulator.signingKeys());
    assert.equal(keys[0]?.crv, "Ed25519");
    assert.equal(keys[0]?.alg, "EdDSA");
  });

  it("reports invalid_response for a malformed key set", async () => {
    emulator.inject({ match: KEYS, kind: "malformed", body: "truncated_json" });
    await rejectsWith(configFor(emulator).plexPublicKeys(), "invalid_response");
    emulator.inject({ match: KEYS, kind: "status", status: 200, body: '{"keys":{"kty":"OKP"}}' });
    const err = await rejectsWith(configFor(emulator).plexPublicKeys(), "invalid_response");
    assert.match(err.message, /keys/);
  });

  it("parses a recorded key set with processPlexKeysResponse", () => {
    const keys = processPlexKeysResponse({
      status: 200,
      headers: new Headers(),
      url: "",
      body: JSON.stringify({ keys: emulator.signingKeys() }),
    });
    assert.equal(keys.length, 1);
  });
});

describe("verifyPlexToken", () => {
  it("verifies a token from the JWT flow, with its thumbprint", async () => {
    const config = configFor(emulator);
    const key = await config.generateAndUploadPublicKey(
      await config.registerWithCredentials("plexuser", "plexpass"),
    );
    const token = await config.jwtToken(key.privateKey, key.keyId);
    const claims = await config.verifyPlexToken(token, { thumbprint: key.keyId });
    assert.equal(claims.iss, "plex.tv");
    assert.equal(claims.user?.username, "plexuser");
    assert.equal(claims.thumbprint, key.keyId);
  });

  it("selects the key by kid and refetches once after the keys rotate", async () => {
    const rotating = await startEmulator();
    try {
      const config = configFor(rotating);
      const clientId = config.clientId;
      let now = Date.now();
      const keySet = new PlexKeySet({ now: () => now });
      const first = await rotating.issueJwt({ clientId, thumbprint: "device-kid" });
      await config.verifyPlexToken(first, { keySet });
      const fetchedFirst = rotating.count(KEYS);
      await config.verifyPlexToken(await rotating.issueJwt({ clientId, thumbprint: "device-kid" }), {
        keySet,
      });
      assert.equal(rotating.count(KEYS), fetchedFirst, "a known kid needs no fetch");
      const kid = await rotating.rotateKeys();
      const second = await rotating.issueJwt({ clientId, thumbprint: "device-kid" });
      assert.equal(decodeJwt(second).header.kid, kid);
      await rejectsWith(config.verifyPlexToken(second, { keySet }), "invalid_token");
      assert.equal(rotating.count(KEYS), fetchedFirst, "no refetch within the cooldown of the first fetch");
      now += keySet.cooldownMs;
      await config.verifyPlexToken(second, { keySet });
      assert.equal(rotating.count(KEYS), fetchedFirst + 1, "one refetch for the new kid");
      await config.verifyPlexToken(first, { keySet });
      assert.equal(rotating.count(KEYS), fetchedFirst + 1, "the old kid is still in the set");
    } finally {
      await rotating.close();
    }
  });

  it("rejects a token whose key plex.tv does not publish, after one refetch", async () => {
    const config = configFor(emulator);
    const stranger = await generateDeviceKey();
    const iat = Math.floor(Date.now() / 1000);
    const forged = await signJwt(stranger.privateKey, { kid: stranger.keyId, typ: "JWT" }, {
      iss: "plex.tv",
      iat,
      exp: iat + 600,
      thumbprint: "x",
    });
    await config.plexPublicKeys();
    emulator.resetRequests();
    await rejectsWith(config.verifyPlexToken(forged), "invalid_token");
    assert.equal(emulator.count(KEYS), 1, "exactly one refetch");
  });

  it("rejects an expired token with expired_token", async () => {
    const config = configFor(emulator);
    const expired = await emulator.issueJwt({
      clientId: config.clientId,
      expiresInSeconds: -30,
      thumbprint: "k",
    });
    await rejectsWith(config.verifyPlexToken(expired), "expired_token");
    assert.equal(new Token(expired).isValid(), false);
  });

  it("rejects a wrong issuer, a wrong thumbprint and a tampered signature with invalid_token", async () => {
    const config = configFor(emulator);
    const clientId = config.clientId;
    const wrongIssuer = await emulator.issueJwt({ clientId, issuer: "evil.example", thumbprint: "k" });
    await rejectsWith(config.verifyPlexToken(wrongIssuer), "invalid_token");
    const good = await emulator.issueJwt({ clientId, thumbprint: "device-a" });
    await config.verifyPlexToken(good, { thumbprint: "device-a" });
    await rejectsWith(config.verifyPlexToken(good, { thumbprint: "device-b" }), "invalid_token");
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
    await rejectsWith(config.verifyPlexToken(`${header}.${payload}.${flipped}`), "invalid_token");
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const altered = btoa(JSON.stringify({ ...claims, exp: (claims.exp as number) + 3_600 }))
      .replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    await rejectsWith(config.verifyPlexToken(`${header}.${altered}.${signature}`), "invalid_token");
  });

  it("rejects a token without thumbprint or exp, and a legacy token", async () => {
    const config = configFor(emulator);
    const noThumbprint = await emulator.issueJwt({ clientId: config.clientId, thumbprint: null });
    assert.equal(decodeJwt(noThumbprint).payload.thumbprint, undefined);
    await rejectsWith(config.verifyPlexToken(noThumbprint), "invalid_token");
    const noExp = await emulator.issueJwt({ clientId: config.clientId, expiresInSeconds: null });
    assert.equal(decodeJwt(noExp).payload.exp, undefined);
    await rejectsWith(config.verifyPlexToken(noExp), "invalid_token");
    await rejectsWith(config.verifyPlexToken("abcdefghijklmnopqrst"), "invalid_token");
  });

  it("does not trust tokens signed by a retired key, once the cached key set is an hour old", async () => {
    const rotating = await startEmulator();
    try {
      const config = configFor(rotating);
      let now = Date.now();
      const keySet = new PlexKeySet({ now: () => now });
      const old = await rotating.issueJwt({ clientId: config.clientId, thumbprint: "k" });
      await config.verifyPlexToken(old, { keySet });
      await rotating.rotateKeys({ retirePrevious: true });
      now += 30 * 60_000;
      await config.verifyPlexToken(old, { keySet });
      now += 31 * 60_000;
      await rejectsWith(config.verifyPlexToken(old, { keySet }), "invalid_token");
      assert.equal(rotating.count(KEYS), 2, "fetched at first use and once the set was stale");
    } finally {
      await rotating.close();
    }
  });
});

describe("verifyPlexToken against forged kids", () => {
  it("refetches the key set once for unknown kids, not once per forged token", async () => {
    const config = configFor(emulator);
    const genuine = await emulator.issueJwt({ clientId: config.clientId, expiresInSeconds: 3600 });
    await config.verifyPlexToken(genuine);
    emulator.resetRequests();
    const forger = await generateDeviceKey();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    for (let i = 0; i < 20; i++) {
      const forged = await signJwt(forger.privateKey, { kid: `made-up-${i}`, typ: "JWT" }, {
        iss: "plex.tv",
        exp,
      });
      await rejectsWith(config.verifyPlexToken(forged), "invalid_token");
    }
    assert.ok(emulator.count(KEYS) <= 1, `${emulator.count(KEYS)} key set requests`);
    await config.verifyPlexToken(genuine);
  });
});
