import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Config, generateDeviceKey, jwkThumbprint, newClientId, type Token } from "../../mod.ts";
import { decodeJwt } from "../_helpers/jwt.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { configFor, raw, rejectsWith, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({ nonceRateLimit: 1000 }, (started) => emulator = started);

/** A Config whose fetch records the JSON bodies it sends, by path. */
function recordingConfig(sent: Map<string, unknown[]>, clientId = newClientId()): Config {
  const recording: typeof fetch = (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    if (typeof init?.body === "string" && init.body.startsWith("{")) {
      sent.set(path, [...sent.get(path) ?? [], JSON.parse(init.body)]);
    }
    return emulator.fetch(input, init);
  };
  return configFor(emulator, clientId).withFetch(recording);
}

async function signedIn(config: Config): Promise<Token> {
  return await config.registerWithCredentials("plexuser", "plexpass");
}

describe("generateAndUploadPublicKey and uploadPublicKey", () => {
  it("registers a fresh key whose kid is its thumbprint, ending the legacy token", async () => {
    const config = configFor(emulator);
    const legacy = await signedIn(config);
    const key = await config.generateAndUploadPublicKey(legacy);
    assert.equal(key.keyId, await jwkThumbprint(key.publicJwk));
    assert.equal(emulator.registeredKey(config.clientId), key.keyId);
    assert.equal(key.privateKey.type, "private");
    assert.equal(
      (await raw(emulator, "/api/v2/user", { clientId: config.clientId, token: legacy.value })).status,
      401,
    );
  });

  it("uploads a JWK without kid, a private CryptoKey or a public CryptoKey", async () => {
    for (const pick of ["jwk", "private", "public"] as const) {
      const config = configFor(emulator);
      const key = await generateDeviceKey();
      const { kid: _kid, ...withoutKid } = key.publicJwk;
      const publicKey = pick === "jwk"
        ? withoutKid
        : pick === "private"
        ? key.privateKey
        : await crypto.subtle.importKey(
          "jwk",
          { kty: "OKP", crv: "Ed25519", x: key.publicJwk.x },
          "Ed25519",
          true,
          [
            "verify",
          ],
        );
      const keyId = await config.uploadPublicKey(publicKey, await signedIn(config));
      assert.equal(keyId, key.keyId, pick);
      assert.equal(emulator.registeredKey(config.clientId), key.keyId, pick);
    }
  });

  it("fails with unauthorized for a bad or revoked token", async () => {
    const config = configFor(emulator);
    await rejectsWith(config.generateAndUploadPublicKey("abcdefghijklmnopqrst"), "unauthorized");
    const legacy = await signedIn(config);
    emulator.revokeToken(legacy.value);
    const err = await rejectsWith(config.generateAndUploadPublicKey(legacy), "unauthorized");
    assert.equal(err.plexCode, 1001);
  });

  it("fails with thumbprint_taken when the key is registered to another client", async () => {
    const first = configFor(emulator);
    const key = await first.generateAndUploadPublicKey(await signedIn(first));
    const second = configFor(emulator);
    const err = await rejectsWith(
      second.uploadPublicKey(key.publicJwk, await signedIn(second)),
      "thumbprint_taken",
    );
    assert.equal(err.status, 422);
  });
});

describe("jwtToken", () => {
  it("exchanges a device JWT with iat and exp = iat + 300 for a 7-day Plex JWT", async () => {
    const sent = new Map<string, unknown[]>();
    const config = recordingConfig(sent).withDevice({ product: "JWT Test" });
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    const before = Math.floor(Date.now() / 1000);
    const token = await config.jwtToken(key.privateKey, key.keyId);
    const [{ jwt }] = sent.get("/api/v2/auth/token") as [{ jwt: string }];
    const device = decodeJwt(jwt);
    assert.deepEqual(device.header, { kid: key.keyId, typ: "JWT", alg: "EdDSA" });
    const claims = device.payload as {
      iat: number;
      exp: number;
      aud: string;
      iss: string;
      nonce: string;
      scope: string;
    };
    assert.ok(claims.iat >= before && claims.iat <= before + 2);
    assert.equal(claims.exp, claims.iat + 300);
    assert.equal(claims.aud, "plex.tv");
    assert.equal(claims.iss, config.clientId);
    assert.match(claims.nonce, /^[0-9a-f-]{36}$/);
    assert.equal(claims.scope, "username,email,friendly_name,restricted,anonymous,joinedAt");
    assert.ok(token.isJwt());
    assert.equal(token.claims?.iss, "plex.tv");
    assert.deepEqual(token.claims?.aud, ["plex.tv", config.clientId]);
    assert.equal(token.claims?.thumbprint, key.keyId);
    assert.equal(token.claims?.nonce, claims.nonce);
    assert.equal(token.claims?.user?.username, "plexuser");
    assert.equal(token.claims!.exp! - token.claims!.iat!, 7 * 86_400);
    assert.ok(token.isValid());
    const me = await raw(emulator, "/api/v2/user", { clientId: config.clientId, token: token.value });
    assert.equal((await me.json() as { username: string }).username, "plexuser");
    const devices = await (await raw(emulator, "/api/v2/devices", { token: token.value })).json() as {
      clientIdentifier: string;
      product: string;
    }[];
    assert.equal(devices.find((d) => d.clientIdentifier === config.clientId)?.product, "JWT Test");
  });

  it("refreshes again and again, one nonce per exchange", async () => {
    const config = configFor(emulator);
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    const first = await config.jwtToken(key.privateKey, key.keyId);
    const second = await config.jwtToken(key.privateKey, key.keyId);
    assert.notEqual(first.claims?.nonce, second.claims?.nonce);
    assert.equal(emulator.count("GET /api/v2/auth/nonce"), 2);
    assert.equal(emulator.count("POST /api/v2/auth/token"), 2);
  });

  it("asks only for the configured scopes", async () => {
    const config = configFor(emulator).withScopes("username");
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    const token = await config.jwtToken(key.privateKey, key.keyId);
    assert.equal(token.claims?.user?.username, "plexuser");
    assert.equal(token.claims?.user?.email, undefined);
  });

  it("fails with jwk_missing (1097) after the key is forgotten, removed, or for another client", async () => {
    const config = configFor(emulator);
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    emulator.forgetKey(config.clientId);
    const err = await rejectsWith(config.jwtToken(key.privateKey, key.keyId), "jwk_missing");
    assert.equal(err.status, 401);
    assert.equal(err.plexCode, 1097);
    assert.ok(err.hint?.includes("new client identifier"));
    await rejectsWith(configFor(emulator).jwtToken(key.privateKey, key.keyId), "jwk_missing");
    const removed = configFor(emulator);
    const removedKey = await removed.generateAndUploadPublicKey(await signedIn(removed));
    emulator.removeDevice(removed.clientId);
    await rejectsWith(removed.jwtToken(removedKey.privateKey, removedKey.keyId), "jwk_missing");
  });

  it("replaces the client's key when a Plex JWT registers a new one", async () => {
    const config = configFor(emulator);
    const oldKey = await config.generateAndUploadPublicKey(await signedIn(config));
    const jwt = await config.jwtToken(oldKey.privateKey, oldKey.keyId);
    const newKey = await config.generateAndUploadPublicKey(jwt);
    assert.equal(emulator.registeredKey(config.clientId), newKey.keyId);
    assert.equal((await config.jwtToken(newKey.privateKey, newKey.keyId)).claims?.thumbprint, newKey.keyId);
    await rejectsWith(config.jwtToken(oldKey.privateKey, oldKey.keyId), "jwk_missing");
  });

  it("fails with invalid_token when signing with another private key under the registered kid", async () => {
    const config = configFor(emulator);
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    const impostor = await generateDeviceKey();
    const err = await rejectsWith(config.jwtToken(impostor.privateKey, key.keyId), "invalid_token");
    assert.equal(err.status, 422);
  });

  it("retries the nonce request after a 429 and reports too_many_requests when it persists", async () => {
    const config = configFor(emulator, undefined, 1);
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    emulator.inject({ match: "GET /api/v2/auth/nonce", kind: "status", status: 429 });
    assert.ok((await config.jwtToken(key.privateKey, key.keyId)).isJwt());
    assert.equal(emulator.count("GET /api/v2/auth/nonce"), 2);
    const limited = await startEmulator({ nonceRateLimit: 1 });
    try {
      const strict = configFor(limited);
      const strictKey = await strict.generateAndUploadPublicKey(
        await strict.registerWithCredentials("plexuser", "plexpass"),
      );
      await strict.jwtToken(strictKey.privateKey, strictKey.keyId);
      const err = await rejectsWith(
        strict.jwtToken(strictKey.privateKey, strictKey.keyId),
        "too_many_requests",
      );
      assert.equal(err.plexCode, 1003);
      assert.equal(err.retryAfter, 1);
    } finally {
      await limited.close();
    }
  });

  it("does not repeat the token exchange POST on a 503", async () => {
    const config = configFor(emulator, undefined, 3);
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    emulator.inject({ match: "POST /api/v2/auth/token", kind: "status", status: 503, times: Infinity });
    await rejectsWith(config.jwtToken(key.privateKey, key.keyId), "server_error");
    assert.equal(emulator.count("POST /api/v2/auth/token"), 1);
  });

  it("rejects an answer that is not a JWT with invalid_response", async () => {
    const config = configFor(emulator);
    const key = await config.generateAndUploadPublicKey(await signedIn(config));
    emulator.inject({
      match: "POST /api/v2/auth/token",
      kind: "status",
      status: 200,
      body: '{"auth_token":"abcdefghijklmnopqrst"}',
      contentType: "application/json",
    });
    await rejectsWith(config.jwtToken(key.privateKey, key.keyId), "invalid_response");
  });
});
