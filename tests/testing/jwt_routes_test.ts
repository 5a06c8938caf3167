// JWT routes of the emulator: registering a device key, nonces (single use,
// rate limited, expiring on the emulator's clock), the token exchange and its
// device-JWT rules, and the emulator's own rotating signing keys.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from "jose";
import { type DeviceKey, generateDeviceKey, type PublicJwk } from "../../mod.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { plexErrorOf, raw, signIn, uniqueClient, useEmulator, withEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({ nonceRateLimit: 1000 }, (started) => emulator = started);

async function registerKey(target: Emulator, clientId: string, kid?: string) {
  const legacy = await signIn(target, clientId);
  const key = await generateDeviceKey();
  const jwk = { ...key.publicJwk, kid: kid ?? key.keyId };
  const res = await raw(target, "/api/v2/auth/jwk", {
    method: "POST",
    clientId,
    token: legacy,
    json: { jwk },
  });
  assert.equal(res.status, 201);
  return { key, kid: jwk.kid, legacy };
}

async function nonceFor(target: Emulator, clientId: string): Promise<string> {
  const res = await raw(target, "/api/v2/auth/nonce", { clientId });
  assert.equal(res.status, 200);
  return (await res.json() as { nonce: string }).nonce;
}

function deviceJwt(key: DeviceKey, kid: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" }).sign(key.privateKey);
}

function exchange(target: Emulator, clientId: string, jwt: string): Promise<Response> {
  return raw(target, "/api/v2/auth/token", { method: "POST", clientId, json: { jwt } });
}

describe("POST /api/v2/auth/jwk", () => {
  it("needs a valid token (401), takes any kid, and refuses another client's key (422)", async () => {
    const clientId = uniqueClient();
    const key = await generateDeviceKey();
    const noToken = await raw(emulator, "/api/v2/auth/jwk", {
      method: "POST",
      clientId,
      json: { jwk: key.publicJwk },
    });
    assert.equal((await plexErrorOf(noToken)).code, 1001);
    const token = await signIn(emulator, clientId);
    const ok = await raw(emulator, "/api/v2/auth/jwk", {
      method: "POST",
      clientId,
      token,
      json: { jwk: { ...key.publicJwk, kid: "hex-sha256-of-the-key-pair" } },
    });
    assert.equal(ok.status, 201, "python-plexapi and @ctrl/plex choose their own kid");
    const thief = uniqueClient();
    const taken = await raw(emulator, "/api/v2/auth/jwk", {
      method: "POST",
      clientId: thief,
      token: await signIn(emulator, thief),
      json: { jwk: { ...key.publicJwk, kid: "another-kid" } },
    });
    assert.equal(taken.status, 422);
    assert.match((await plexErrorOf(taken)).message, /Thumbprint Already Taken/);
  });

  it("ends the client's legacy token once a key is registered, until the device is removed", async () => {
    const clientId = uniqueClient();
    const { legacy } = await registerKey(emulator, clientId);
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token: legacy })).status, 401);
    const again = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(again.status, 422);
    assert.equal((await raw(emulator, "/api/v2/pins", { method: "POST", clientId })).status, 422);
    assert.ok(emulator.removeDevice(clientId));
    assert.equal(emulator.registeredKey(clientId), undefined);
    await signIn(emulator, clientId);
  });

  it("keeps legacy tokens working with keyRegistrationEndsLegacyToken: false", async () => {
    await withEmulator({ keyRegistrationEndsLegacyToken: false }, async (lenient) => {
      const clientId = "lenient-client";
      const { legacy } = await registerKey(lenient, clientId);
      assert.equal((await raw(lenient, "/api/v2/user", { clientId, token: legacy })).status, 200);
      await signIn(lenient, clientId);
    });
  });
});

describe("GET /api/v2/auth/nonce", () => {
  it("rate limits per client with 429/1003 and Retry-After", async () => {
    await withEmulator({ nonceRateLimit: 5, now: () => 1_800_000_000_000 }, async (limited) => {
      const statuses = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await raw(limited, "/api/v2/auth/nonce", { clientId: "busy" })).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const res = await raw(limited, "/api/v2/auth/nonce", { clientId: "busy" });
      assert.equal(res.headers.get("retry-after"), "1");
      assert.equal((await plexErrorOf(res)).code, 1003);
      assert.equal((await raw(limited, "/api/v2/auth/nonce", { clientId: "calm" })).status, 200);
    });
  });

  it("refuses a nonce older than nonceLifetimeSeconds on the emulator's clock", async () => {
    let now = 1_800_000_000_000;
    await withEmulator({ nonceLifetimeSeconds: 60, now: () => now }, async (timed) => {
      const clientId = "nonce-expiry";
      const { key, kid } = await registerKey(timed, clientId);
      const nonce = await nonceFor(timed, clientId);
      now += 61_000;
      const iat = Math.floor(now / 1000);
      const res = await exchange(
        timed,
        clientId,
        await deviceJwt(key, kid, { nonce, aud: "plex.tv", iss: clientId, iat, exp: iat + 60 }),
      );
      assert.equal(res.status, 422);
      assert.match((await plexErrorOf(res)).message, /expired/);
    });
  });
});

describe("POST /api/v2/auth/token", () => {
  it("exchanges a good device JWT for a Plex JWT signed with a published key", async () => {
    const clientId = uniqueClient();
    const { key, kid } = await registerKey(emulator, clientId, "client-chosen-kid");
    const nonce = await nonceFor(emulator, clientId);
    const iat = Math.floor(Date.now() / 1000);
    const jwt = await deviceJwt(key, kid, {
      nonce,
      scope: "username,email",
      aud: "plex.tv",
      iss: clientId,
      iat,
      exp: iat + 300,
    });
    const res = await exchange(emulator, clientId, jwt);
    assert.equal(res.status, 200);
    const { auth_token } = await res.json() as { auth_token: string };
    const keys = (await (await raw(emulator, "/api/v2/auth/keys")).json() as { keys: PublicJwk[] }).keys;
    const signer = keys.find((k) => k.kid === decodeProtectedHeader(auth_token).kid)!;
    const { payload } = await jwtVerify(auth_token, await importJWK(signer, "EdDSA"), { issuer: "plex.tv" });
    const claims = payload as Record<string, unknown> & { user: Record<string, unknown> };
    assert.deepEqual(claims.aud, ["plex.tv", clientId]);
    assert.equal(claims.thumbprint, kid);
    assert.equal(claims.nonce, nonce);
    assert.equal((claims.exp as number) - (claims.iat as number), 7 * 86_400);
    assert.equal(claims.user.username, "plexuser");
    assert.equal(claims.user.friendly_name, undefined, "only the scopes asked for");
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token: auth_token })).status, 200);
    const reused = await exchange(emulator, clientId, jwt);
    assert.equal(reused.status, 422);
    assert.match((await plexErrorOf(reused)).message, /already been used/);
  });

  it("accepts a device JWT living an hour, as plex.tv's own example does", async () => {
    const clientId = uniqueClient();
    const { key, kid } = await registerKey(emulator, clientId);
    const iat = Math.floor(Date.now() / 1000);
    const nonce = await nonceFor(emulator, clientId);
    const res = await exchange(
      emulator,
      clientId,
      await deviceJwt(key, kid, { nonce, aud: "plex.tv", iss: clientId, iat, exp: iat + 3600 }),
    );
    assert.equal(res.status, 200);
  });

  it("rejects device JWTs the way plex.tv documents", async () => {
    const clientId = uniqueClient();
    const { key, kid } = await registerKey(emulator, clientId);
    const stranger = await generateDeviceKey();
    const iat = Math.floor(Date.now() / 1000);
    const base = async () => ({
      nonce: await nonceFor(emulator, clientId),
      aud: "plex.tv",
      iss: clientId,
      iat,
      exp: iat + 300,
    });
    const cases: [string, () => Promise<string>, number, RegExp | number][] = [
      ["bad signature", async () => deviceJwt(stranger, kid, await base()), 422, /signature/],
      ["unknown kid", async () => deviceJwt(stranger, "nobody", await base()), 401, 1097],
      ["missing exp", async () => deviceJwt(key, kid, { ...await base(), exp: undefined }), 422, /exp/],
      ["missing iat", async () => deviceJwt(key, kid, { ...await base(), iat: undefined }), 422, /iat/],
      [
        "exp beyond an hour",
        async () => deviceJwt(key, kid, { ...await base(), exp: iat + 3601 }),
        422,
        /one hour/,
      ],
      ["wrong aud", async () => deviceJwt(key, kid, { ...await base(), aud: "plex.example" }), 422, /aud/],
      ["wrong iss", async () => deviceJwt(key, kid, { ...await base(), iss: "another-client" }), 422, /iss/],
      [
        "expired",
        async () => deviceJwt(key, kid, { ...await base(), iat: iat - 400, exp: iat - 100 }),
        498,
        /expired/,
      ],
      [
        "unknown nonce",
        async () => deviceJwt(key, kid, { ...await base(), nonce: crypto.randomUUID() }),
        422,
        /nonce/,
      ],
      ["no nonce", async () => deviceJwt(key, kid, { ...await base(), nonce: undefined }), 422, /nonce/],
      [
        "alg none",
        async () => {
          const enc = (v: unknown) =>
            btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
          return `${enc({ alg: "none", kid })}.${enc(await base())}.`;
        },
        422,
        /EdDSA/,
      ],
    ];
    for (const [name, make, status, expected] of cases) {
      const res = await exchange(emulator, clientId, await make());
      assert.equal(res.status, status, name);
      const error = await plexErrorOf(res);
      if (typeof expected === "number") assert.equal(error.code, expected, name);
      else assert.match(error.message, expected, name);
    }
    const foreignNonce = await nonceFor(emulator, uniqueClient());
    const foreign = await exchange(
      emulator,
      clientId,
      await deviceJwt(key, kid, { ...await base(), nonce: foreignNonce }),
    );
    assert.equal(foreign.status, 422, "a nonce of another client");
    assert.equal((await exchange(emulator, clientId, "not-a-jwt")).status, 422);
    assert.equal(
      (await raw(emulator, "/api/v2/auth/token", { method: "POST", clientId, json: {} })).status,
      400,
    );
  });

  it("answers 1097 once the key is forgotten", async () => {
    const clientId = uniqueClient();
    const { key, kid } = await registerKey(emulator, clientId);
    assert.ok(emulator.forgetKey(clientId));
    const iat = Math.floor(Date.now() / 1000);
    const res = await exchange(
      emulator,
      clientId,
      await deviceJwt(key, kid, {
        nonce: await nonceFor(emulator, clientId),
        aud: "plex.tv",
        iss: clientId,
        iat,
        exp: iat + 300,
      }),
    );
    assert.equal(res.status, 401);
    assert.equal((await plexErrorOf(res)).code, 1097);
  });
});

describe("GET /api/v2/auth/keys", () => {
  it("publishes rotated keys, keeping or retiring the previous ones", async () => {
    await withEmulator({}, async (rotating) => {
      const clientId = "rotation-client";
      const before = rotating.signingKeys();
      const oldToken = await rotating.issueJwt({ clientId });
      const kid = await rotating.rotateKeys();
      const keys = (await (await raw(rotating, "/api/v2/auth/keys")).json() as { keys: PublicJwk[] }).keys;
      assert.deepEqual(keys.map((k) => k.kid), [kid, before[0]!.kid]);
      assert.equal(decodeProtectedHeader(await rotating.issueJwt({ clientId })).kid, kid);
      assert.equal((await raw(rotating, "/api/v2/user", { token: oldToken })).status, 200);
      await rotating.rotateKeys({ retirePrevious: true });
      assert.equal(rotating.signingKeys().length, 1);
      assert.equal((await raw(rotating, "/api/v2/user", { token: oldToken })).status, 401);
    });
  });

  it("dates issued JWTs on the emulator's clock, skew included", async () => {
    const offset = 2 * 3600 * 1000;
    await withEmulator({ clockOffsetMs: offset }, async (ahead) => {
      const jwt = await ahead.issueJwt({ clientId: "skewed" });
      const iat = decodeJwt(jwt).iat!;
      assert.ok(Math.abs(iat * 1000 - (Date.now() + offset)) < 60_000, "iat is two hours ahead");
    });
  });
});
