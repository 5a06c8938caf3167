// verifyPlexToken fails closed: options it cannot use are refused
// (invalid_argument) rather than read as "no check", headers and claims that
// RFC 7515/7519 make invalid are refused, an ambiguous key set is refused,
// and keys that cannot verify an EdDSA token are skipped rather than failing
// the whole set.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type CallOptions,
  type DeviceKey,
  generateDeviceKey,
  PlexKeySet,
  type PublicJwk,
  type VerifyOptions,
} from "../../mod.ts";
import { processPlexKeysResponse } from "../../protocol.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { configFor, rejectsWith, useEmulator } from "../_helpers/emulator.ts";
import { signJwt } from "../_helpers/jwt.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

const KEYS = "GET /api/v2/auth/keys";
const now = () => Math.floor(Date.now() / 1000);

/** A token signed by `key`, with Plex's claims (overridable) and header fields (overridable). */
function token(key: DeviceKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return signJwt(key.privateKey, { kid: key.keyId, typ: "JWT", ...header }, {
    iss: "plex.tv",
    aud: ["plex.tv", "client"],
    iat: now(),
    exp: now() + 3600,
    thumbprint: "device",
    ...claims,
  });
}

/** A base64url JSON segment. */
function segment(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

describe("verifyPlexToken refuses options it cannot use", () => {
  it("clockToleranceSeconds NaN, a string, negative or infinite: invalid_argument, never an accepted expired token", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const expired = await token(key, { iat: now() - 7200, exp: now() - 3600 });
    const keys = [key.publicJwk];
    // What `Number(process.env.SKEW)` gives when the variable is unset, and what reading it raw gives.
    for (const tolerance of [Number(undefined), "30", -1, Infinity, null]) {
      await rejectsWith(
        config.verifyPlexToken(expired, { keys, clockToleranceSeconds: tolerance as number }),
        "invalid_argument",
      );
    }
    await rejectsWith(config.verifyPlexToken(expired, { keys }), "expired_token");
    await rejectsWith(config.verifyPlexToken(expired, { keys, clockToleranceSeconds: 60 }), "expired_token");
    assert.equal(emulator.count(KEYS), 0, "nothing was asked of plex.tv");
  });

  it("now an invalid Date or not a Date, audience or thumbprint empty or not strings: invalid_argument", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const good = await token(key);
    const keys = [key.publicJwk];
    const bad = [
      { now: new Date(Number.NaN) },
      { now: "2026-01-01T00:00:00Z" as unknown as Date },
      { now: Date.now() as unknown as Date },
      { audience: "" },
      { audience: [] },
      { audience: ["client", 7] as unknown as string[] },
      { thumbprint: "" },
      { thumbprint: 7 as unknown as string },
      { keys: "all" as unknown as PublicJwk[] },
      { keySet: {} as PlexKeySet },
    ];
    for (const options of bad) {
      await rejectsWith(config.verifyPlexToken(good, { keys, ...options }), "invalid_argument");
    }
    await rejectsWith(config.verifyPlexToken(good, null as unknown as undefined), "invalid_argument");
    assert.equal((await config.verifyPlexToken(good, { keys, audience: "client" })).thumbprint, "device");
  });

  it("a misspelt check (thumbPrint, audiance, clockTolerance): invalid_argument naming it, never a token verified without the check", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const good = await token(key);
    const keys = [key.publicJwk];
    await rejectsWith(config.verifyPlexToken(good, { keys, thumbprint: "someone-else" }), "invalid_token");
    for (const misspelt of [{ thumbPrint: "someone-else" }, { audiance: "my-app" }, { clockTolerance: 0 }]) {
      const err = await rejectsWith(
        config.verifyPlexToken(good, { keys, ...misspelt } as never),
        "invalid_argument",
      );
      assert.equal(err.message, `verifyPlexToken has no option ${Object.keys(misspelt)[0]}`);
    }
    // Every option it has is taken (the type makes this list complete).
    const every: Required<Omit<VerifyOptions, keyof CallOptions>> = {
      keys,
      keySet: new PlexKeySet(),
      thumbprint: "device",
      audience: "client",
      clockToleranceSeconds: 5,
      now: new Date(),
    };
    const claims = await config.verifyPlexToken(good, {
      ...every,
      signal: AbortSignal.timeout(5_000),
      timeoutMs: 5_000,
    });
    assert.equal(claims.thumbprint, "device");
  });

  it("a timeout that is not a number above 0: invalid_argument before any request, and later calls still verify", async () => {
    const config = configFor(emulator);
    const good = await emulator.issueJwt({ clientId: "client" });
    emulator.resetRequests();
    for (const timeoutMs of [Number.NaN, -1, 0, "5000"]) {
      await rejectsWith(config.verifyPlexToken(good, { timeoutMs: timeoutMs as number }), "invalid_argument");
    }
    assert.equal(emulator.count(KEYS), 0, "nothing was asked of plex.tv");
    assert.equal((await config.verifyPlexToken(good)).iss, "plex.tv", "the key set was not poisoned");
  });

  it("a key set trusted for less than its cooldown: invalid_argument, since every token would be refused while it waits", () => {
    assert.throws(() => new PlexKeySet({ cacheMaxAgeMs: 10_000, cooldownMs: 30_000 }), {
      code: "invalid_argument",
    });
    assert.throws(() => new PlexKeySet({ cacheMaxAgeMs: 0 }), { code: "invalid_argument" });
    assert.equal(new PlexKeySet({ cacheMaxAgeMs: 0, cooldownMs: 0 }).cacheMaxAgeMs, 0);
  });
});

describe("verifyPlexToken refuses what RFC 7515 and 7519 make invalid", () => {
  it("unknown or malformed crit, b64: false, a non-string kid, another alg: invalid_token, without asking plex.tv", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const keys = [key.publicJwk];
    const forged = [
      await token(key, {}, { crit: ["x-plex-extension"], "x-plex-extension": true }),
      await token(key, {}, { crit: "exp" }),
      await token(key, {}, { crit: [] }),
      await token(key, {}, { crit: ["kid", "kid"] }),
      await token(key, {}, { crit: ["b64"], b64: false }),
      await token(key, {}, { b64: false }),
      await token(key, {}, { b64: true }),
      await token(key, {}, { kid: 7 }),
      await token(key, {}, { kid: { id: key.keyId } }),
    ];
    const [, payload, signature] = (await token(key)).split(".");
    for (const alg of ["none", "HS256", "RS256", "ES256", "Ed25519"]) {
      forged.push(`${segment({ alg, kid: key.keyId, typ: "JWT" })}.${payload}.${signature}`);
    }
    forged.push(`${segment({ alg: "none" })}.${payload}.`);
    for (const [i, text] of forged.entries()) {
      const err = await rejectsWith(config.verifyPlexToken(text, { keys }), "invalid_token");
      assert.ok(err.message.length > 0, `case ${i}`);
    }
    assert.equal(emulator.count(KEYS), 0, "no key set request for a token refused on its header");
  });

  it("nbf in the future, and iat or nbf that are not numbers: invalid_token", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const keys = [key.publicJwk];
    await rejectsWith(
      config.verifyPlexToken(await token(key, { nbf: now() + 600 }), { keys }),
      "invalid_token",
    );
    for (const claims of [{ iat: String(now()) }, { nbf: String(now()) }, { iat: null }, { nbf: [1] }]) {
      await rejectsWith(config.verifyPlexToken(await token(key, claims), { keys }), "invalid_token");
    }
    for (
      const claims of [{ iat: undefined }, { exp: undefined }, { thumbprint: undefined }, { thumbprint: 7 }]
    ) {
      await rejectsWith(config.verifyPlexToken(await token(key, claims), { keys }), "invalid_token");
    }
    const soon = await token(key, { nbf: now() + 20 });
    assert.equal(
      (await config.verifyPlexToken(soon, { keys, clockToleranceSeconds: 60 })).thumbprint,
      "device",
    );
    const past = await token(key, { nbf: now() - 20 });
    assert.equal((await config.verifyPlexToken(past, { keys })).thumbprint, "device");
  });

  it("iat in the future beyond the clock tolerance: invalid_token", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const keys = [key.publicJwk];
    const later = await token(key, { iat: now() + 365 * 86_400, exp: now() + 366 * 86_400 });
    await rejectsWith(config.verifyPlexToken(later, { keys }), "invalid_token");
    const soon = await token(key, { iat: now() + 20 });
    await rejectsWith(config.verifyPlexToken(soon, { keys }), "invalid_token");
    assert.equal(
      (await config.verifyPlexToken(soon, { keys, clockToleranceSeconds: 60 })).thumbprint,
      "device",
    );
  });

  it("checks aud against the audience option", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const keys = [key.publicJwk];
    const good = await token(key, { aud: ["plex.tv", "my-client"] });
    assert.ok(await config.verifyPlexToken(good, { keys, audience: "my-client" }));
    assert.ok(await config.verifyPlexToken(good, { keys, audience: ["other", "my-client"] }));
    await rejectsWith(config.verifyPlexToken(good, { keys, audience: "other-client" }), "invalid_token");
    await rejectsWith(
      config.verifyPlexToken(await token(key, { aud: undefined }), { keys, audience: "my-client" }),
      "invalid_token",
    );
  });
});

describe("verifyPlexToken and the key set", () => {
  it("refuses an ambiguous key set: two keys with one kid, given or fetched", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const other = await generateDeviceKey();
    const twin = { ...other.publicJwk, kid: key.keyId };
    const good = await token(key);
    await rejectsWith(config.verifyPlexToken(good, { keys: [key.publicJwk, twin] }), "invalid_argument");
    const body = JSON.stringify({ keys: [key.publicJwk, twin] });
    assert.throws(
      () => processPlexKeysResponse({ status: 200, headers: new Headers(), url: "", body }),
      { code: "invalid_response" },
    );
    emulator.inject({ match: KEYS, kind: "status", status: 200, body });
    const err = await rejectsWith(config.verifyPlexToken(good), "invalid_token");
    assert.match(String((err.cause as Error)?.message), /ambiguous/);
  });

  it("skips keys that are not Ed25519 signing keys, instead of failing the whole set", async () => {
    const config = configFor(emulator);
    const genuine = await emulator.issueJwt({ clientId: config.clientId });
    const [plexKey] = emulator.signingKeys();
    const x = plexKey!.x;
    const body = JSON.stringify({
      keys: [
        { kty: "RSA", kid: "rsa-2027", n: "sXch", e: "AQAB", alg: "RS256", use: "sig" },
        { kty: "OKP", crv: "X25519", x, kid: "x25519" },
        { kty: "OKP", crv: "Ed25519", x, kid: plexKey!.kid, use: "enc" },
        { kty: "OKP", crv: "Ed25519", x, kid: plexKey!.kid, alg: "ES256" },
        { kty: "OKP", crv: "Ed25519", x, kid: plexKey!.kid, key_ops: ["sign"] },
        { kty: "OKP", crv: "Ed25519", x: 42, kid: "bad-x" },
        "not a key",
        plexKey,
      ],
    });
    emulator.inject({ match: KEYS, kind: "status", status: 200, body });
    const claims = await config.verifyPlexToken(genuine);
    assert.equal(claims.iss, "plex.tv");
    const keys = processPlexKeysResponse({ status: 200, headers: new Headers(), url: "", body });
    assert.deepEqual(keys.map((k) => k.kid), [plexKey!.kid]);
  });

  it("a key the set publishes for encryption only does not verify", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const good = await token(key);
    const keys = [{ ...key.publicJwk, use: "enc" }];
    emulator.inject({ match: KEYS, kind: "status", status: 200, body: JSON.stringify({ keys }) });
    await rejectsWith(config.verifyPlexToken(good, { keys }), "invalid_token");
  });
});
