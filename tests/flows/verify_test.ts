import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateDeviceKey, type PlexError, PlexKeySet, Token } from "../../mod.ts";
import { processPlexKeysResponse } from "../../protocol.ts";
import { decodeJwt, signJwt } from "../_helpers/jwt.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { fakeClock } from "../_helpers/clock.ts";
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

  it("caches the configuration's keys on its withHttp clock: moving the clock moves the cooldown", async () => {
    const rotating = await startEmulator();
    try {
      const clock = fakeClock();
      const config = configFor(rotating).withHttp({ clock });
      const { clientId } = config;
      await config.verifyPlexToken(await rotating.issueJwt({ clientId, thumbprint: "device-kid" }));
      await rotating.rotateKeys();
      const rotated = await rotating.issueJwt({ clientId, thumbprint: "device-kid" });
      await assert.rejects(config.verifyPlexToken(rotated), (err: PlexError) => {
        assert.equal(err.code, "invalid_token");
        assert.equal(err.message, "The token is signed with a key that is not in plex.tv's key set");
        assert.match(err.hint ?? "", /loaded at most every 30 s: a token signed with a key published since/);
        return true;
      });
      assert.equal(rotating.count(KEYS), 1, "held back by the cooldown of the first load");
      await clock.sleep(30_000);
      assert.equal((await config.verifyPlexToken(rotated)).iss, "plex.tv");
      assert.equal(rotating.count(KEYS), 2, "loaded again once the configured clock passed the cooldown");
      // A copy on another clock has a key set of its own; one on the same clock shares this one.
      await config.withDevice({ product: "other" }).verifyPlexToken(rotated);
      assert.equal(rotating.count(KEYS), 2);
      await config.withHttp({ clock: fakeClock() }).verifyPlexToken(rotated);
      assert.equal(rotating.count(KEYS), 3);
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
  /** Tokens signed by a key plex.tv never published, each with its own made-up kid. */
  async function forgeries(count: number): Promise<string[]> {
    const forger = await generateDeviceKey();
    const iat = Math.floor(Date.now() / 1000);
    return await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          signJwt(forger.privateKey, { kid: `made-up-${i}`, typ: "JWT" }, {
            iss: "plex.tv",
            iat,
            exp: iat + 3600,
            thumbprint: "x",
          }),
      ),
    );
  }

  it("refetches the key set once for unknown kids, not once per forged token", async () => {
    const config = configFor(emulator);
    const genuine = await emulator.issueJwt({ clientId: config.clientId, expiresInSeconds: 3600 });
    await config.verifyPlexToken(genuine);
    emulator.resetRequests();
    for (const forged of await forgeries(20)) {
      await rejectsWith(config.verifyPlexToken(forged), "invalid_token");
    }
    assert.ok(emulator.count(KEYS) <= 1, `${emulator.count(KEYS)} key set requests`);
    await config.verifyPlexToken(genuine);
  });

  it("with the keys passed in: at most one key set request per cooldown", async () => {
    const config = configFor(emulator);
    let now = Date.now();
    const keySet = new PlexKeySet({ cooldownMs: 30_000, now: () => now });
    const keys = emulator.signingKeys();
    const genuine = await emulator.issueJwt({ clientId: config.clientId });
    await config.verifyPlexToken(genuine, { keys, keySet });
    assert.equal(emulator.count(KEYS), 0, "a kid among the keys given needs no request");
    const forged = await forgeries(20);
    for (const token of forged) {
      await rejectsWith(config.verifyPlexToken(token, { keys, keySet }), "invalid_token");
    }
    assert.equal(emulator.count(KEYS), 1, "one request for the first unknown kid, none for the others");
    now += 29_000;
    for (const token of forged) {
      await rejectsWith(config.verifyPlexToken(token, { keys, keySet }), "invalid_token");
    }
    assert.equal(emulator.count(KEYS), 1, "still cooling down");
    now += 1_000;
    for (const token of forged) {
      await rejectsWith(config.verifyPlexToken(token, { keys, keySet }), "invalid_token");
    }
    assert.equal(emulator.count(KEYS), 2, "one more request once the cooldown is over");
  });

  it("concurrent forged tokens share one request", async () => {
    const config = configFor(emulator);
    const results = await Promise.allSettled(
      (await forgeries(25)).map((token) => config.verifyPlexToken(token)),
    );
    assert.ok(
      results.every((r) => r.status === "rejected" && (r.reason as PlexError).code === "invalid_token"),
    );
    assert.equal(emulator.count(KEYS), 1);
  });

  it("while the key endpoint fails: invalid_token, never server_error, one request per cooldown", async () => {
    for (
      const fault of [
        { kind: "status", status: 503 },
        { kind: "status", status: 429, plexCode: 1003, retryAfter: 1 },
        { kind: "malformed", body: "truncated_json" },
        { kind: "reset" },
        { kind: "huge", bytes: 9 * 1024 * 1024 },
      ] as const
    ) {
      emulator.resetRequests();
      emulator.clearFaults();
      // A config that retries: the key set's loads are single attempts whatever the retry policy.
      const config = configFor(emulator, undefined, 3);
      let now = Date.now();
      const keySet = new PlexKeySet({ now: () => now });
      emulator.inject({ match: KEYS, times: Infinity, ...fault });
      const forged = await forgeries(10);
      for (const token of forged) {
        const err = await rejectsWith(config.verifyPlexToken(token, { keySet }), "invalid_token");
        assert.ok(err.cause, `${fault.kind}: the cause says why the keys are missing`);
      }
      const genuine = await emulator.issueJwt({ clientId: config.clientId });
      await rejectsWith(config.verifyPlexToken(genuine, { keySet }), "invalid_token");
      assert.equal(emulator.count(KEYS), 1, `${fault.kind}: one request in the cooldown`);
      now += keySet.cooldownMs;
      await rejectsWith(config.verifyPlexToken(forged[0]!, { keySet }), "invalid_token");
      assert.equal(emulator.count(KEYS), 2, `${fault.kind}: one more after it`);
      emulator.clearFaults();
      now += keySet.cooldownMs;
      assert.equal((await config.verifyPlexToken(genuine, { keySet })).iss, "plex.tv", "it recovers");
      assert.equal(keySet.failure, undefined);
    }
  });

  it("a hanging key endpoint: invalid_token after the timeout, and the caller's abort is aborted", async () => {
    const config = configFor(emulator).withHttp({ timeoutMs: 200 });
    emulator.inject({ match: KEYS, times: Infinity, kind: "hang" });
    const [forged] = await forgeries(1);
    await rejectsWith(config.verifyPlexToken(forged!), "invalid_token");
    const other = configFor(emulator);
    const controller = new AbortController();
    const pending = other.verifyPlexToken(forged!, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(pending, "aborted");
  });
});
