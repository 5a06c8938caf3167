import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeJwt, signJwt, verifyJwt } from "../_helpers/jwt.ts";
import { generateDeviceKey, type PublicJwk } from "../../mod.ts";
import { importPublicJwk } from "../../lib/keys.ts";
import { parseXml } from "../../lib/parse/xml.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { plexErrorOf, raw, useEmulator } from "../_helpers/emulator.ts";
import { fixture as readFixture, FIXTURES_DIR } from "../_helpers/fixtures.ts";

let emulator: Emulator;
useEmulator({ nonceRateLimit: 1000, signinFailureLimit: 3 }, (started) => emulator = started);

let clientCounter = 0;
function newClient(): string {
  return `emulator-test-${++clientCounter}-${Date.now()}`;
}

async function signIn(clientId: string, login = "plexuser", password = "plexpass"): Promise<string> {
  const res = await raw(emulator, "/api/v2/users/signin", {
    method: "POST",
    clientId,
    form: { login, password },
  });
  assert.equal(res.status, 201);
  return (await res.json() as { authToken: string }).authToken;
}

async function registerKey(clientId: string) {
  const token = await signIn(clientId);
  const key = await generateDeviceKey();
  const res = await raw(emulator, "/api/v2/auth/jwk", {
    method: "POST",
    clientId,
    token,
    json: { jwk: key.publicJwk },
  });
  assert.equal(res.status, 201);
  return { key, legacy: token };
}

async function nonceFor(clientId: string): Promise<string> {
  const res = await raw(emulator, "/api/v2/auth/nonce", { clientId });
  assert.equal(res.status, 200);
  return (await res.json() as { nonce: string }).nonce;
}

function exchange(clientId: string, jwt: string): Promise<Response> {
  return raw(emulator, "/api/v2/auth/token", { method: "POST", clientId, json: { jwt } });
}

describe("every endpoint", () => {
  it("answers 400/1000 exactly like plex.tv without a client identifier, in JSON and XML", async () => {
    const fixture = JSON.parse(await readFixture("error_1000.json"));
    for (const path of ["/api/v2/users/signin", "/api/v2/pins", "/api/v2/auth/nonce", "/api/v2/user"]) {
      const method = path.endsWith("nonce") || path.endsWith("user") ? "GET" : "POST";
      const res = await raw(emulator, path, { method, clientId: null });
      assert.equal(res.status, 400, path);
      assert.deepEqual(await res.json(), fixture, path);
    }
    const xml = await raw(emulator, "/api/v2/user", { clientId: null, accept: null });
    const error = parseXml(await xml.text()).children.error![0]!;
    assert.deepEqual(error.attributes, {
      code: "1000",
      message: "X-Plex-Client-Identifier is missing",
      status: "400",
    });
  });

  it("accepts the client identifier and token as query parameters, like plex.tv", async () => {
    const clientId = newClient();
    const token = await signIn(clientId);
    const res = await fetch(
      `${emulator.url}/api/v2/user?X-Plex-Client-Identifier=${clientId}&X-Plex-Token=${token}`,
      { headers: { Accept: "application/json" } },
    );
    assert.equal(res.status, 200);
    assert.equal(emulator.requests.at(-1)?.query["X-Plex-Token"], "***", "the token is redacted in the log");
  });

  it("answers 404 for unknown paths and methods", async () => {
    assert.equal((await raw(emulator, "/api/v2/nothing-here")).status, 404);
    assert.equal((await raw(emulator, "/api/v2/user", { method: "PUT" })).status, 404);
  });

  it("answers XML without Accept: application/json, and 406 for an Accept it cannot serve", async () => {
    const token = await signIn(newClient());
    const xml = await raw(emulator, "/api/v2/user", { token, accept: null });
    assert.match(xml.headers.get("content-type") ?? "", /xml/);
    assert.equal(parseXml(await xml.text()).attributes.username, "plexuser");
    assert.equal((await raw(emulator, "/api/v2/user", { token, accept: "text/html" })).status, 406);
    assert.equal((await raw(emulator, "/api/v2/auth/keys", { accept: "application/xml" })).status, 406);
  });

  it("answers CORS preflights for any path and echoes the Origin", async () => {
    const res = await fetch(`${emulator.url}/api/v2/pins`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-plex-client-identifier, x-plex-product",
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "http://localhost:5173");
    assert.match(res.headers.get("access-control-allow-headers") ?? "", /X-Plex-Client-Identifier/);
    assert.match(res.headers.get("access-control-allow-headers") ?? "", /X-Plex-Token/);
    assert.match(res.headers.get("access-control-allow-methods") ?? "", /DELETE/);
    const get = await raw(emulator, "/api/v2/auth/keys", { headers: { Origin: "http://localhost:5173" } });
    assert.equal(get.headers.get("access-control-allow-origin"), "http://localhost:5173");
  });
});

describe("POST /api/v2/users/signin", () => {
  it("answers 201 with the account and a 20-character token, one per (account, client)", async () => {
    const clientId = newClient();
    const res = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass", rememberMe: "true" },
    });
    assert.equal(res.status, 201);
    const account = await res.json() as Record<string, unknown>;
    assert.equal(account.username, "plexuser");
    assert.match(account.authToken as string, /^[\w-]{20}$/);
    assert.ok(Array.isArray(account.pastSubscriptions) && typeof account.subscription === "object");
    const second = await signIn(clientId, "plexuser@example.com");
    assert.notEqual(second, account.authToken);
    assert.equal((await raw(emulator, "/api/v2/user", { token: account.authToken as string })).status, 401);
    assert.equal((await raw(emulator, "/api/v2/user", { token: second })).status, 200);
    const other = await signIn(newClient());
    assert.equal(
      (await raw(emulator, "/api/v2/user", { token: other })).status,
      200,
      "other clients keep theirs",
    );
  });

  it("rejects a wrong Content-Type, missing fields and a bad rememberMe with 400", async () => {
    const clientId = newClient();
    const asJson = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      json: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(asJson.status, 400);
    const missing = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser" },
    });
    assert.equal(missing.status, 400);
    const remember = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass", rememberMe: "sometimes" },
    });
    assert.equal(remember.status, 400);
  });

  it("answers 1001 for bad credentials and 1029/1028 for 2FA, in JSON and XML", async () => {
    const clientId = newClient();
    const bad = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "nope" },
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(await plexErrorOf(bad), {
      code: 1001,
      message: "User could not be authenticated",
      status: 401,
    });
    const { username, password, verificationCode } = emulator.users.twoFactor;
    const form = { login: username, password: password! };
    const needCode = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: newClient(),
      form,
    });
    assert.equal((await plexErrorOf(needCode)).code, 1029);
    const xml = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: newClient(),
      form,
      accept: null,
    });
    const fixture = parseXml(await readFixture("error_xml_1029.xml"));
    assert.deepEqual(
      parseXml(await xml.text()).children.error![0]!.attributes,
      fixture.children.error![0]!.attributes,
    );
    const wrong = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: newClient(),
      form: { ...form, verificationCode: "000000" },
    });
    assert.equal((await plexErrorOf(wrong)).code, 1028);
    const right = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: newClient(),
      form: { ...form, verificationCode: verificationCode! },
    });
    assert.equal(right.status, 201);
    const appended = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: newClient(),
      form: { login: username, password: password! + verificationCode },
    });
    assert.equal(appended.status, 201, "the code appended to the password is accepted");
  });

  it("blocks a client with 1031 after repeated failures, even with the right password", async () => {
    const clientId = newClient();
    for (let i = 0; i < 3; i++) {
      await raw(emulator, "/api/v2/users/signin", {
        method: "POST",
        clientId,
        form: { login: "plexuser", password: "x" },
      });
    }
    const blocked = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(blocked.status, 401);
    assert.equal((await plexErrorOf(blocked)).code, 1031);
    assert.equal(
      (await raw(emulator, "/api/v2/users/signin", {
        method: "POST",
        clientId: newClient(),
        form: { login: "plexuser", password: "plexpass" },
      })).status,
      201,
      "other clients are not blocked",
    );
  });

  it("serves the legacy /users/sign_in.xml with a form or HTTP Basic", async () => {
    const form = await raw(emulator, "/users/sign_in.xml", {
      method: "POST",
      accept: null,
      form: { "user[login]": "plexuser", "user[password]": "plexpass" },
    });
    assert.equal(form.status, 201);
    const user = parseXml(await form.text());
    assert.equal(user.name, "user");
    assert.match(user.attributes.authenticationToken!, /^[\w-]{20}$/);
    const basic = await raw(emulator, "/users/sign_in.xml", {
      method: "POST",
      clientId: newClient(),
      accept: null,
      headers: { Authorization: `Basic ${btoa("plexuser:plexpass")}` },
    });
    assert.equal(basic.status, 201);
    const bad = await raw(emulator, "/users/sign_in.xml", {
      method: "POST",
      clientId: newClient(),
      form: { "user[login]": "plexuser", "user[password]": "wrong" },
    });
    assert.equal(bad.status, 401);
    assert.equal(parseXml(await bad.text()).children.error![0]!.attributes.code, "1001");
  });
});

describe("PINs", () => {
  it("creates 4-character PINs and 25-character strong PINs shaped like plex.tv's", async () => {
    const fixture = JSON.parse(await readFixture("pin_create.json")) as Record<
      string,
      unknown
    >;
    const res = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      headers: { "X-Plex-Product": "Tests" },
    });
    assert.equal(res.status, 201);
    const pin = await res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(pin).sort(), Object.keys(fixture).sort());
    assert.match(pin.code as string, /^[A-Z0-9]{4}$/);
    assert.equal(pin.expiresIn, 900);
    assert.equal(pin.authToken, null);
    assert.equal(pin.product, "Tests");
    assert.equal(pin.qr, `${emulator.url}/api/v2/pins/qr/${pin.code}`);
    assert.equal(Date.parse(pin.expiresAt as string) - Date.parse(pin.createdAt as string), 900_000);
    assert.match(pin.expiresAt as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const strong = await (await raw(emulator, "/api/v2/pins?strong=true", { method: "POST" }))
      .json() as Record<string, unknown>;
    assert.match(strong.code as string, /^[a-z0-9]{25}$/);
    assert.equal(strong.expiresIn, 1800);
  });

  it("answers 404/1020 for unknown PINs and for another client's PIN", async () => {
    const unknown = await raw(emulator, "/api/v2/pins/12345");
    assert.equal(unknown.status, 404);
    assert.equal((await plexErrorOf(unknown)).code, 1020);
    const pin = await (await raw(emulator, "/api/v2/pins", { method: "POST", clientId: "pin-owner" }))
      .json() as { id: number };
    assert.equal((await raw(emulator, `/api/v2/pins/${pin.id}`, { clientId: "someone-else" })).status, 404);
    assert.equal((await raw(emulator, `/api/v2/pins/${pin.id}`, { clientId: "pin-owner" })).status, 200);
  });

  it("hands out the legacy token once approved (by id or by code)", async () => {
    const clientId = newClient();
    const pin = await (await raw(emulator, "/api/v2/pins", { method: "POST", clientId })).json() as {
      id: number;
      code: string;
    };
    emulator.approvePin(pin.code.toLowerCase());
    const polled = await (await raw(emulator, `/api/v2/pins/${pin.id}`, { clientId })).json() as {
      authToken: string;
    };
    assert.match(polled.authToken, /^[\w-]{20}$/);
    assert.equal((await raw(emulator, "/api/v2/user", { token: polled.authToken })).status, 200);
    assert.throws(() => emulator.approvePin("ZZZZZZ"), /No live PIN/);
  });

  it("expires PINs after pinLifetimeSeconds", async () => {
    const shortLived = await startEmulator({ pinLifetimeSeconds: 1 });
    try {
      const pin = await (await raw(shortLived, "/api/v2/pins", { method: "POST" })).json() as {
        id: number;
        expiresIn: number;
      };
      assert.equal(pin.expiresIn, 1);
      await new Promise((r) => setTimeout(r, 1_100));
      const res = await raw(shortLived, `/api/v2/pins/${pin.id}`);
      assert.equal(res.status, 404);
      assert.equal((await plexErrorOf(res)).code, 1020);
    } finally {
      await shortLived.close();
    }
  });

  it("approves PINs automatically with autoApprovePins", async () => {
    const demo = await startEmulator({ autoApprovePins: 20 });
    try {
      const pin = await (await raw(demo, "/api/v2/pins", { method: "POST" })).json() as { id: number };
      await new Promise((r) => setTimeout(r, 80));
      const polled = await (await raw(demo, `/api/v2/pins/${pin.id}`)).json() as { authToken: string | null };
      assert.equal(typeof polled.authToken, "string");
    } finally {
      await demo.close();
    }
  });

  it("checks the JWK of a PIN: Ed25519, kid = thumbprint, strong", async () => {
    const key = await generateDeviceKey();
    const wrongKid = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      json: { jwk: { ...key.publicJwk, kid: "my-own-kid" }, strong: true },
    });
    assert.equal(wrongKid.status, 422);
    const notStrong = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      json: { jwk: key.publicJwk, strong: false },
    });
    assert.equal(notStrong.status, 400);
    const rsa = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      json: { jwk: { kty: "RSA", n: "x", e: "AQAB" }, strong: true },
    });
    assert.equal(rsa.status, 422);
  });

  it("gives a Plex JWT for a JWK PIN only to a device JWT signed by that key", async () => {
    const clientId = newClient();
    const key = await generateDeviceKey();
    const other = await generateDeviceKey();
    const pin = await (await raw(emulator, "/api/v2/pins", {
      method: "POST",
      clientId,
      json: { jwk: key.publicJwk, strong: true },
    })).json() as { id: number; code: string };
    emulator.approvePin(pin.id);
    const without = await (await raw(emulator, `/api/v2/pins/${pin.id}`, { clientId })).json() as {
      authToken: null;
    };
    assert.equal(without.authToken, null, "no deviceJWT, no token");
    const iat = Math.floor(Date.now() / 1000);
    const claims = { aud: "plex.tv", iss: clientId, iat, exp: iat + 300 };
    const forged = await signJwt(other.privateKey, { kid: key.keyId, typ: "JWT" }, claims);
    assert.equal(
      (await raw(emulator, `/api/v2/pins/${pin.id}?deviceJWT=${forged}`, { clientId })).status,
      422,
    );
    const good = await signJwt(key.privateKey, { kid: key.keyId, typ: "JWT" }, claims);
    const polled = await (await raw(emulator, `/api/v2/pins/${pin.id}?deviceJWT=${good}`, { clientId }))
      .json() as {
        authToken: string;
      };
    assert.equal(decodeJwt(polled.authToken).payload.thumbprint, key.keyId);
    assert.equal(emulator.registeredKey(clientId), key.keyId);
    assert.equal(emulator.requests.at(-1)?.query.deviceJWT, "***");
  });
});

describe("JWT endpoints", () => {
  it("registers a key (401 without a valid token, 422 for a wrong kid or a key of another client)", async () => {
    const clientId = newClient();
    const key = await generateDeviceKey();
    const noToken = await raw(emulator, "/api/v2/auth/jwk", {
      method: "POST",
      clientId,
      json: { jwk: key.publicJwk },
    });
    assert.equal(noToken.status, 401);
    assert.equal((await plexErrorOf(noToken)).code, 1001);
    const token = await signIn(clientId);
    const wrongKid = await raw(emulator, "/api/v2/auth/jwk", {
      method: "POST",
      clientId,
      token,
      json: { jwk: { ...key.publicJwk, kid: "abc" } },
    });
    assert.equal(wrongKid.status, 422);
    const ok = await raw(emulator, "/api/v2/auth/jwk", {
      method: "POST",
      clientId,
      token,
      json: { jwk: key.publicJwk },
    });
    assert.equal(ok.status, 201);
    const thief = newClient();
    const taken = await raw(emulator, "/api/v2/auth/jwk", {
      method: "POST",
      clientId: thief,
      token: await signIn(thief),
      json: { jwk: key.publicJwk },
    });
    assert.equal(taken.status, 422);
    assert.match((await plexErrorOf(taken)).message, /Thumbprint Already Taken/);
  });

  it("ends the client's legacy token once a key is registered, until the device is removed", async () => {
    const clientId = newClient();
    const { legacy } = await registerKey(clientId);
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
    await signIn(clientId);
  });

  it("rate limits nonce requests per client with 429 and Retry-After", async () => {
    const limited = await startEmulator({ nonceRateLimit: 5 });
    try {
      const statuses = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await raw(limited, "/api/v2/auth/nonce", { clientId: "busy" })).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const res = await raw(limited, "/api/v2/auth/nonce", { clientId: "busy" });
      assert.equal(res.headers.get("retry-after"), "1");
      assert.equal((await plexErrorOf(res)).code, 1003);
      assert.equal((await raw(limited, "/api/v2/auth/nonce", { clientId: "calm" })).status, 200);
    } finally {
      await limited.close();
    }
  });

  it("exchanges a good device JWT for a Plex JWT signed with its published key", async () => {
    const clientId = newClient();
    const { key } = await registerKey(clientId);
    const nonce = await nonceFor(clientId);
    const iat = Math.floor(Date.now() / 1000);
    const jwt = await signJwt(key.privateKey, { kid: key.keyId, typ: "JWT" }, {
      nonce,
      scope: "username,email",
      aud: "plex.tv",
      iss: clientId,
      iat,
      exp: iat + 300,
    });
    const res = await exchange(clientId, jwt);
    assert.equal(res.status, 200);
    const { auth_token } = await res.json() as { auth_token: string };
    const decoded = decodeJwt(auth_token);
    const keys = (await (await raw(emulator, "/api/v2/auth/keys")).json() as { keys: PublicJwk[] }).keys;
    const signer = keys.find((k) => k.kid === decoded.header.kid)!;
    await verifyJwt(auth_token, await importPublicJwk(signer));
    const claims = decoded.payload as Record<string, unknown> & { user: Record<string, unknown> };
    assert.equal(claims.iss, "plex.tv");
    assert.deepEqual(claims.aud, ["plex.tv", clientId]);
    assert.equal(claims.thumbprint, key.keyId);
    assert.equal(claims.nonce, nonce);
    assert.equal((claims.exp as number) - (claims.iat as number), 7 * 86_400);
    assert.equal(claims.user.username, "plexuser");
    assert.equal(claims.user.friendly_name, undefined, "only the scopes asked for");
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token: auth_token })).status, 200);
    const reused = await exchange(clientId, jwt);
    assert.equal(reused.status, 422);
    assert.match((await plexErrorOf(reused)).message, /already been used/);
  });

  it("rejects device JWTs the way plex.tv does", async () => {
    const clientId = newClient();
    const { key } = await registerKey(clientId);
    const stranger = await generateDeviceKey();
    const iat = Math.floor(Date.now() / 1000);
    const base = async () => ({
      nonce: await nonceFor(clientId),
      aud: "plex.tv",
      iss: clientId,
      iat,
      exp: iat + 300,
    });
    const sign = (claims: Record<string, unknown>, privateKey = key.privateKey, kid = key.keyId) =>
      signJwt(privateKey, { kid, typ: "JWT" }, claims);
    const cases: [string, () => Promise<string>, number, RegExp | number][] = [
      ["bad signature", async () => sign(await base(), stranger.privateKey), 422, /signature/],
      ["unknown kid", async () => sign(await base(), stranger.privateKey, stranger.keyId), 401, 1097],
      ["missing exp", async () => sign({ ...await base(), exp: undefined }), 422, /exp/],
      ["missing iat", async () => sign({ ...await base(), iat: undefined }), 422, /iat/],
      ["exp beyond 5 minutes", async () => sign({ ...await base(), exp: iat + 301 }), 422, /5 minutes/],
      ["wrong aud", async () => sign({ ...await base(), aud: "plex.example" }), 422, /aud/],
      ["wrong iss", async () => sign({ ...await base(), iss: "another-client" }), 422, /iss/],
      ["expired", async () => sign({ ...await base(), iat: iat - 400, exp: iat - 100 }), 498, /expired/],
      ["unknown nonce", async () => sign({ ...await base(), nonce: crypto.randomUUID() }), 422, /nonce/],
      ["no nonce", async () => sign({ ...await base(), nonce: undefined }), 422, /nonce/],
      [
        "alg none",
        async () => {
          const { nonce } = await base();
          const enc = (v: unknown) =>
            btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
          return `${enc({ alg: "none", kid: key.keyId })}.${
            enc({ nonce, aud: "plex.tv", iss: clientId, iat, exp: iat + 300 })
          }.`;
        },
        422,
        /EdDSA/,
      ],
    ];
    for (const [name, make, status, expected] of cases) {
      const res = await exchange(clientId, await make());
      assert.equal(res.status, status, name);
      const error = await plexErrorOf(res);
      if (typeof expected === "number") assert.equal(error.code, expected, name);
      else assert.match(error.message, expected, name);
    }
    const foreignNonce = await nonceFor(newClient());
    const res = await exchange(clientId, await sign({ ...await base(), nonce: foreignNonce }));
    assert.equal(res.status, 422, "a nonce of another client");
    assert.equal((await exchange(clientId, "not-a-jwt")).status, 422);
    assert.equal(
      (await raw(emulator, "/api/v2/auth/token", { method: "POST", clientId, form: { jwt: "x" } })).status,
      400,
    );
  });

  it("refuses a nonce older than nonceLifetimeSeconds", async () => {
    const quick = await startEmulator({ nonceLifetimeSeconds: 1 });
    try {
      const clientId = "nonce-expiry";
      const token = (await (await raw(quick, "/api/v2/users/signin", {
        method: "POST",
        clientId,
        form: { login: "plexuser", password: "plexpass" },
      })).json() as { authToken: string }).authToken;
      const key = await generateDeviceKey();
      await raw(quick, "/api/v2/auth/jwk", { method: "POST", clientId, token, json: { jwk: key.publicJwk } });
      const { nonce } = await (await raw(quick, "/api/v2/auth/nonce", { clientId })).json() as {
        nonce: string;
      };
      await new Promise((r) => setTimeout(r, 1_050));
      const iat = Math.floor(Date.now() / 1000);
      const jwt = await signJwt(key.privateKey, { kid: key.keyId }, {
        nonce,
        aud: "plex.tv",
        iss: clientId,
        iat,
        exp: iat + 60,
      });
      const res = await raw(quick, "/api/v2/auth/token", { method: "POST", clientId, json: { jwt } });
      assert.equal(res.status, 422);
      assert.match((await plexErrorOf(res)).message, /expired/);
    } finally {
      await quick.close();
    }
  });

  it("answers 1097 once the key is forgotten", async () => {
    const clientId = newClient();
    const { key } = await registerKey(clientId);
    assert.ok(emulator.forgetKey(clientId));
    const iat = Math.floor(Date.now() / 1000);
    const jwt = await signJwt(key.privateKey, { kid: key.keyId }, {
      nonce: await nonceFor(clientId),
      aud: "plex.tv",
      iss: clientId,
      iat,
      exp: iat + 300,
    });
    const res = await exchange(clientId, jwt);
    assert.equal(res.status, 401);
    assert.equal((await plexErrorOf(res)).code, 1097);
  });

  it("publishes rotated keys, keeping or retiring the previous ones", async () => {
    const rotating = await startEmulator();
    try {
      const clientId = "rotation-client";
      const before = rotating.signingKeys();
      const oldToken = await rotating.issueJwt({ clientId });
      const kid = await rotating.rotateKeys();
      const keys = (await (await raw(rotating, "/api/v2/auth/keys")).json() as { keys: PublicJwk[] }).keys;
      assert.deepEqual(keys.map((k) => k.kid), [kid, before[0]!.kid]);
      assert.equal(decodeJwt(await rotating.issueJwt({ clientId })).header.kid, kid);
      assert.equal((await raw(rotating, "/api/v2/user", { token: oldToken })).status, 200);
      await rotating.rotateKeys({ retirePrevious: true });
      assert.equal(rotating.signingKeys().length, 1);
      assert.equal((await raw(rotating, "/api/v2/user", { token: oldToken })).status, 401);
    } finally {
      await rotating.close();
    }
  });
});

describe("account endpoints", () => {
  it("need a valid token: unknown, expired, foreign-signed and revoked tokens get 401/1001", async () => {
    const clientId = newClient();
    const paths = [
      "/api/v2/user",
      "/devices.xml",
      "/api/v2/resources",
      "/api/v2/devices",
      "/api/v2/ping",
      "/api/v2/home/users",
      "/api/claim/token.json",
    ];
    for (const path of paths) {
      const res = await raw(emulator, path, { clientId, token: "abcdefghijklmnopqrst" });
      assert.equal(res.status, 401, path);
      assert.equal((await plexErrorOf(res)).code, 1001, path);
    }
    const expired = await emulator.issueJwt({ clientId, expiresInSeconds: -60 });
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token: expired })).status, 401);
    const stranger = await generateDeviceKey();
    const foreign = await signJwt(stranger.privateKey, { kid: "x" }, {
      iss: "plex.tv",
      exp: 4_000_000_000,
      user: { id: 1 },
    });
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token: foreign })).status, 401);
    const jwt = await emulator.issueJwt({ clientId });
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token: jwt })).status, 200);
    assert.ok(emulator.revokeToken(jwt));
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token: jwt })).status, 401);
  });

  it("serves the user, ping, claim token, and sign-out revokes the token", async () => {
    const clientId = newClient();
    const token = await signIn(clientId);
    const user = await (await raw(emulator, "/api/v2/user", { clientId, token })).json() as Record<
      string,
      unknown
    >;
    assert.equal(user.authToken, token);
    assert.equal(user.pastSubscriptions, undefined, "the sign-in-only fields are absent");
    assert.equal((await raw(emulator, "/api/v2/ping", { clientId, token })).status, 200);
    const claim = await (await raw(emulator, "/api/claim/token.json", { clientId, token })).json() as {
      token: string;
    };
    assert.match(claim.token, /^claim-[\w-]{20}$/);
    assert.equal(
      (await raw(emulator, "/api/v2/users/signout", { method: "DELETE", clientId, token })).status,
      204,
    );
    assert.equal((await raw(emulator, "/api/v2/user", { clientId, token })).status, 401);
  });

  it("lists signed-in clients in /devices.xml and /api/v2/devices, and removes them", async () => {
    const clientId = newClient();
    const token = await signIn(clientId);
    const headers = { "X-Plex-Product": "Device Test", "X-Plex-Version": "2.0" };
    await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: "second-device-" + clientId,
      headers,
      form: { login: "plexuser", password: "plexpass" },
    });
    const xml = parseXml(
      await (await raw(emulator, "/devices.xml", { clientId, token, accept: "application/xml" })).text(),
    );
    const devices = xml.children.Device ?? [];
    const second = devices.find((d) => d.attributes.clientIdentifier === "second-device-" + clientId)!;
    assert.equal(second.attributes.product, "Device Test");
    assert.equal(second.attributes.productVersion, "2.0");
    assert.ok(devices.some((d) => d.attributes.product === "Plex Media Server"));
    const v2 = await (await raw(emulator, "/api/v2/devices", { clientId, token })).json() as {
      clientIdentifier: string;
    }[];
    assert.ok(v2.some((d) => d.clientIdentifier === clientId));
    const removed = await raw(emulator, `/devices/${second.attributes.id}.xml`, {
      method: "DELETE",
      clientId,
      token,
    });
    assert.equal(removed.status, 200);
    assert.equal(
      (await raw(emulator, `/devices/${second.attributes.id}.xml`, { method: "DELETE", clientId, token }))
        .status,
      404,
    );
  });

  it("filters resource connections by includeHttps, includeRelay and includeIPv6", async () => {
    const clientId = newClient();
    const token = await signIn(clientId);
    type Resource = { provides: string; connections: { protocol: string; relay: boolean; IPv6: boolean }[] };
    const server = async (query: string) =>
      (await (await raw(emulator, `/api/v2/resources${query}`, { clientId, token })).json() as Resource[])
        .find((r) => r.provides.includes("server"))!;
    const all = await server("?includeHttps=1&includeRelay=1&includeIPv6=1");
    assert.equal(all.connections.length, 5);
    assert.ok(all.connections.some((c) => c.relay) && all.connections.some((c) => c.IPv6));
    const plain = await server("");
    assert.ok(plain.connections.every((c) => c.protocol === "http" && !c.relay && !c.IPv6));
    const noRelay = await server("?includeHttps=1&includeIPv6=1");
    assert.ok(noRelay.connections.every((c) => !c.relay) && noRelay.connections.some((c) => c.IPv6));
  });

  it("lists home users and switches, with 1041 for a protected user without its PIN", async () => {
    const clientId = newClient();
    const token = await signIn(clientId);
    const home = await (await raw(emulator, "/api/v2/home/users", { clientId, token })).json() as {
      users: { uuid: string; username: string | null; protected: boolean; admin: boolean }[];
    };
    assert.equal(home.users.length, 3);
    assert.ok(home.users[0]!.admin);
    const partner = emulator.users.protectedHomeMember;
    const kid = emulator.users.homeMember;
    const noPin = await raw(emulator, `/api/v2/home/users/${partner.uuid}/switch`, {
      method: "POST",
      clientId,
      token,
    });
    assert.equal(noPin.status, 403);
    assert.equal((await plexErrorOf(noPin)).code, 1041);
    const wrongPin = await raw(emulator, `/api/v2/home/users/${partner.uuid}/switch`, {
      method: "POST",
      clientId,
      token,
      form: { pin: "0000" },
    });
    assert.equal((await plexErrorOf(wrongPin)).code, 1041);
    const withPin = await raw(emulator, `/api/v2/home/users/${partner.uuid}/switch?pin=${partner.pin}`, {
      method: "POST",
      clientId,
      token,
    });
    assert.equal(withPin.status, 201);
    const switched = await withPin.json() as { authToken: string; uuid: string };
    assert.equal(switched.uuid, partner.uuid);
    const me = await (await raw(emulator, "/api/v2/user", { clientId, token: switched.authToken }))
      .json() as {
        username: string;
      };
    assert.equal(me.username, "partner");
    const open = await raw(emulator, `/api/v2/home/users/${kid.uuid}/switch`, {
      method: "POST",
      clientId,
      token,
    });
    assert.equal(open.status, 201);
    const outsider = await signIn(newClient(), "twofactor", "twofactorpass123456");
    assert.equal(
      (await raw(emulator, `/api/v2/home/users/${kid.uuid}/switch`, { method: "POST", token: outsider }))
        .status,
      404,
    );
  });
});

describe("accounts", () => {
  it("adds users with 2FA and home membership, at start or later", async () => {
    const custom = await startEmulator({
      users: [{ username: "alice", password: "wonderland", verificationCode: "424242" }],
    });
    try {
      const alice = custom.users.get("ALICE@example.com")!;
      assert.equal(alice.verificationCode, "424242");
      const bob = custom.addUser({ username: "bob", homeOf: "alice", pin: "1111" });
      assert.equal(bob.homeId, custom.users.get("alice")!.homeId);
      assert.ok(custom.users.get("alice")!.homeAdmin);
      assert.throws(() => custom.addUser({ username: "bob" }), /taken/);
      const signin = await raw(custom, "/api/v2/users/signin", {
        method: "POST",
        form: { login: "alice", password: "wonderland", verificationCode: "424242" },
      });
      const token = (await signin.json() as { authToken: string }).authToken;
      const home = await (await raw(custom, "/api/v2/home/users", { token })).json() as {
        users: { uuid: string }[];
      };
      assert.deepEqual(home.users.map((u) => u.uuid), [alice.uuid, bob.uuid]);
      assert.equal(custom.users.list().length, 6);
      const legacy = custom.issueLegacyToken({ clientId: "direct", username: "bob" });
      const me = await (await raw(custom, "/api/v2/user", { clientId: "direct", token: legacy })).json() as {
        username: string;
      };
      assert.equal(me.username, "bob");
    } finally {
      await custom.close();
    }
  });
});

describe("auth app pages", () => {
  it("serves /auth and /link with an approve button, approving through the emulator endpoint", async () => {
    const auth = await fetch(`${emulator.url}/auth`);
    const html = await auth.text();
    assert.match(auth.headers.get("content-type") ?? "", /text\/html/);
    assert.match(html, /id="approve"/);
    assert.match(html, /value="plexuser"/);
    assert.match(await (await fetch(`${emulator.url}/link`)).text(), /id="code"/);
    const clientId = newClient();
    const pin = await (await raw(emulator, "/api/v2/pins?strong=true", { method: "POST", clientId }))
      .json() as {
        id: number;
        code: string;
      };
    const approved = await fetch(`${emulator.url}/__emulator/pins/approve`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: pin.code, username: "partner" }),
    });
    assert.equal(approved.status, 200);
    const polled = await (await raw(emulator, `/api/v2/pins/${pin.id}`, { clientId })).json() as {
      authToken: string;
    };
    const me = await (await raw(emulator, "/api/v2/user", { token: polled.authToken })).json() as {
      username: string;
    };
    assert.equal(me.username, "partner");
    const unknown = await fetch(`${emulator.url}/__emulator/pins/approve`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "code=NOPE",
    });
    assert.equal(unknown.status, 404);
  });
});

describe("fault injection", () => {
  it("answers 429 with Retry-After in seconds or as an HTTP date, the given number of times", async () => {
    const date = new Date(Date.now() + 5_000);
    const seconds = emulator.inject({
      match: "GET /api/v2/auth/keys",
      times: 2,
      kind: "status",
      status: 429,
      retryAfter: 3,
    });
    const first = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(first.status, 429);
    assert.equal(first.headers.get("retry-after"), "3");
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 429);
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 200);
    assert.equal(seconds.hits, 2);
    assert.equal(seconds.remaining, 0);
    emulator.inject({ match: "/api/v2/auth/keys", kind: "status", status: 429, retryAfter: date });
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).headers.get("retry-after"), date.toUTCString());
    emulator.inject({ match: "/api/v2/auth/keys", kind: "status", status: 429 });
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).headers.get("retry-after"), null);
    assert.equal(emulator.count((r) => r.fault === "status"), 4);
  });

  it("answers 5xx and Plex code 1003, in the request's format", async () => {
    emulator.inject({ match: "/api/v2/**", kind: "status", status: 503 });
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 503);
    emulator.inject({
      match: /nonce/,
      kind: "status",
      status: 429,
      plexCode: 1003,
      message: "Too many requests",
    });
    const limited = await raw(emulator, "/api/v2/auth/nonce");
    assert.deepEqual(await plexErrorOf(limited), { code: 1003, message: "Too many requests", status: 429 });
  });

  it("slows answers down with a delay", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "delay", ms: 150 });
    const started = Date.now();
    const res = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started >= 140);
  });

  it("serves malformed bodies: an HTML error page, truncated JSON, XML without attributes", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "malformed", body: "html" });
    const html = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(html.status, 502);
    assert.match(await html.text(), /<html>/);
    emulator.inject({ match: "/api/v2/auth/keys", kind: "malformed", body: "truncated_json" });
    const truncated = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(truncated.status, 200);
    await assert.rejects(truncated.json());
    const token = await signIn(newClient());
    emulator.inject({ match: "/devices.xml", kind: "malformed", body: "xml_missing_attributes" });
    const xml = parseXml(await (await raw(emulator, "/devices.xml", { token, accept: null })).text());
    assert.deepEqual(xml.children.Device![0]!.attributes, {});
  });

  it("resets the connection mid-body and can hang until aborted", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "reset" });
    await assert.rejects(async () => await (await raw(emulator, "/api/v2/auth/keys")).text());
    emulator.inject({ match: "/api/v2/auth/keys", kind: "hang" });
    const started = Date.now();
    await assert.rejects(raw(emulator, "/api/v2/auth/keys", { signal: AbortSignal.timeout(100) }));
    assert.ok(Date.now() - started < 2_000);
    assert.equal(emulator.requests.at(-1)?.status, 0);
  });

  it("streams a huge body, chunked or with its length declared", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "huge", bytes: 3 * 1024 * 1024 });
    const body = await (await raw(emulator, "/api/v2/auth/keys")).arrayBuffer();
    assert.equal(body.byteLength, 3 * 1024 * 1024);
    emulator.inject({ match: "/api/v2/auth/keys", kind: "huge", declareLength: true });
    const declared = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(declared.headers.get("content-length"), String(50 * 1024 * 1024));
    await declared.body?.cancel();
  });

  it("redirects elsewhere, and can be removed before it fires", async () => {
    const manual = { redirect: "manual", headers: { "X-Plex-Client-Identifier": "r" } } as const;
    emulator.inject({
      match: "/api/v2/auth/keys",
      kind: "redirect",
      location: "http://127.0.0.1:9/elsewhere",
    });
    const away = await fetch(`${emulator.url}/api/v2/auth/keys`, manual);
    assert.equal(away.status, 302);
    assert.equal(away.headers.get("location"), "http://127.0.0.1:9/elsewhere");
    const local = emulator.inject({
      match: "/api/v2/auth/keys",
      kind: "redirect",
      location: "/x",
      status: 307,
    });
    const redirect = await fetch(`${emulator.url}/api/v2/auth/keys`, manual);
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get("location"), "/x");
    assert.equal(local.hits, 1);
    const never = emulator.inject({
      match: "/api/v2/auth/keys",
      times: Infinity,
      kind: "status",
      status: 500,
    });
    never.remove();
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 200);
  });

  it("counts requests per endpoint with patterns, RegExps and predicates", async () => {
    await raw(emulator, "/api/v2/pins", { method: "POST" });
    await raw(emulator, "/api/v2/pins/1");
    await raw(emulator, "/api/v2/pins/2");
    assert.equal(emulator.count("GET /api/v2/pins/*"), 2);
    assert.equal(emulator.count("/api/v2/pins"), 1);
    assert.equal(emulator.count("/api/v2/**"), 3);
    assert.equal(emulator.count(/^\/api\/v2\/pins/), 3);
    assert.equal(emulator.count((r) => r.status === 404), 2);
    emulator.resetRequests();
    assert.equal(emulator.requests.length, 0);
  });
});

describe("payload folder", () => {
  let fixtures: Emulator;
  before(async () => {
    fixtures = await startEmulator({ payloads: FIXTURES_DIR });
  });
  after(async () => {
    await fixtures.close();
  });

  it("serves the real payloads with the issued token in place", async () => {
    const clientId = newClient();
    const signin = await raw(fixtures, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass" },
    });
    const account = await signin.json() as Record<string, unknown>;
    const real = JSON.parse(await readFixture("signin.json")) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(account), Object.keys(real));
    assert.equal(account.username, real.username);
    const token = account.authToken as string;
    const user = await (await raw(fixtures, "/api/v2/user", { clientId, token })).json() as Record<
      string,
      unknown
    >;
    assert.equal(user.authToken, token);
    assert.equal(user.uuid, "b9h6f3c8k1");
    const xml = parseXml(
      await (await raw(fixtures, "/api/v2/user", { clientId, token, accept: null })).text(),
    );
    assert.equal(xml.attributes.authToken, token);
    assert.equal(xml.attributes.username, "testuser");
  });

  it("adds signed-in devices to the real devices.xml and filters the real resources", async () => {
    const clientId = newClient();
    const token = (await (await raw(fixtures, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass" },
    })).json() as { authToken: string }).authToken;
    const devices = parseXml(
      await (await raw(fixtures, "/devices.xml", { clientId, token, accept: null })).text(),
    );
    const ids = devices.children.Device!.map((d) => d.attributes.clientIdentifier);
    assert.ok(ids.includes("906a992fc4c5722595f36732838bcc330700b2af"));
    assert.ok(ids.includes(clientId));
    type Resource = { connections: { relay: boolean }[] };
    const all = await (await raw(fixtures, "/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1", {
      clientId,
      token,
    })).json() as Resource[];
    const noRelay =
      await (await raw(fixtures, "/api/v2/resources?includeHttps=1&includeIPv6=1", { clientId, token }))
        .json() as Resource[];
    const count = (list: Resource[]) => list.reduce((n, r) => n + r.connections.length, 0);
    assert.equal(all.length, 7);
    assert.ok(count(noRelay) < count(all));
    assert.ok(noRelay.every((r) => r.connections.every((c) => !c.relay)));
    const pin = await (await raw(fixtures, "/api/v2/pins", { method: "POST", clientId })).json() as {
      location: { city: string };
    };
    assert.equal(pin.location.city, "Toronto");
    for (const path of ["/api/invites/requested", "/api/resources", "/api/users"]) {
      const text = await (await raw(fixtures, path, { clientId, token, accept: null })).text();
      assert.equal(parseXml(text).name, "MediaContainer", path);
    }
    const openid = await (await raw(fixtures, "/.well-known/openid-configuration")).json() as {
      issuer: string;
    };
    assert.equal(openid.issuer, "https://plex.tv");
    const keys = await (await raw(fixtures, "/api/v2/auth/keys")).json() as { keys: PublicJwk[] };
    assert.notEqual(
      keys.keys[0]!.kid,
      "rF99BTGQ3oprqZstwoahR-rDUDGd8Lf2iU8WFtC2d_8",
      "signs with its own keys",
    );
  });
});
