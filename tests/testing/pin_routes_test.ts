// PIN routes of the emulator: creating PINs from every body real clients
// send, polling, approval by the helper, by the emulator's pages and by
// another signed-in account (PUT /api/v2/pins/link), expiry on the emulator's
// clock, and PINs with a JWK.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeJwt, SignJWT } from "jose";
import { generateDeviceKey } from "../../mod.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { plexErrorOf, raw, signIn, uniqueClient, useEmulator, withEmulator } from "../_helpers/emulator.ts";
import { fixture } from "../_helpers/fixtures.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

type Pin = { id: number; code: string; authToken: string | null; newRegistration: boolean | null };

async function createPin(clientId: string, query = "", init: Parameters<typeof raw>[2] = {}): Promise<Pin> {
  const res = await raw(emulator, `/api/v2/pins${query}`, { method: "POST", clientId, ...init });
  assert.equal(res.status, 201);
  return await res.json() as Pin;
}

async function poll(clientId: string, id: number, query = ""): Promise<Pin> {
  const res = await raw(emulator, `/api/v2/pins/${id}${query}`, { clientId });
  assert.equal(res.status, 200);
  return await res.json() as Pin;
}

describe("POST /api/v2/pins", () => {
  it("creates 4-character PINs and 25-character strong PINs shaped like plex.tv's", async () => {
    const real = JSON.parse(await fixture("pin_create.json")) as Record<string, unknown>;
    const res = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      headers: { "X-Plex-Product": "Tests" },
    });
    assert.equal(res.status, 201);
    const pin = await res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(pin).sort(), Object.keys(real).sort());
    assert.deepEqual(Object.keys(pin.location as object).sort(), Object.keys(real.location as object).sort());
    assert.match(pin.code as string, /^[A-Z0-9]{4}$/);
    assert.ok(pin.expiresIn === 900 && pin.authToken === null && pin.newRegistration === null);
    assert.equal(pin.product, "Tests");
    assert.equal(pin.qr, `${emulator.url}/api/v2/pins/qr/${pin.code}`);
    assert.equal(Date.parse(pin.expiresAt as string) - Date.parse(pin.createdAt as string), 900_000);
    assert.match(pin.expiresAt as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const strong = await createPin(uniqueClient(), "?strong=true") as Pin & { expiresIn: number };
    assert.match(strong.code, /^[a-z0-9]{25}$/);
    assert.equal(strong.expiresIn, 1800);
  });

  it('accepts every body real clients send: none, JSON "", an empty JSON body, a form, a JSON object', async () => {
    const bodies: [string, Parameters<typeof raw>[2]][] = [
      ["no body (plex doc curl, @ctrl/plex, plexjs)", {}],
      ['JSON "" (plex-oauth\'s axios)', { headers: { "Content-Type": "application/json" }, body: '""' }],
      ["an empty JSON body", { headers: { "Content-Type": "application/json" }, body: "" }],
      ["a form", { form: { strong: "true" } }],
      ["a JSON object", { json: { strong: true } }],
    ];
    for (const [name, init] of bodies) {
      const pin = await createPin(uniqueClient(), "?strong=true", init);
      assert.match(pin.code, /^[a-z0-9]{25}$/, name);
    }
    const broken = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{not json",
    });
    assert.equal(broken.status, 400, "a body that is not JSON at all is a bad request");
  });

  it("needs a client identifier, as a header or a query parameter (@ctrl/plex)", async () => {
    const none = await raw(emulator, "/api/v2/pins", { method: "POST", clientId: null });
    assert.deepEqual(await none.json(), JSON.parse(await fixture("error_1000.json")));
    const query = await raw(
      emulator,
      "/api/v2/pins?strong=true&X-Plex-Product=PlexAPI&X-Plex-Client-Identifier=q1",
      {
        method: "POST",
        clientId: null,
      },
    );
    assert.equal(((await query.json()) as { clientIdentifier: string }).clientIdentifier, "q1");
  });
});

describe("GET /api/v2/pins/{id}", () => {
  it("answers 404/1020 for unknown PINs and for another client's PIN", async () => {
    const unknown = await raw(emulator, "/api/v2/pins/12345");
    assert.equal(unknown.status, 404);
    assert.equal((await plexErrorOf(unknown)).code, 1020);
    const owner = uniqueClient();
    const pin = await createPin(owner);
    assert.equal((await raw(emulator, `/api/v2/pins/${pin.id}`, { clientId: "someone-else" })).status, 404);
    assert.equal((await poll(owner, pin.id)).authToken, null);
  });

  it("hands out the legacy token once approved, with newRegistration a boolean", async () => {
    const clientId = uniqueClient();
    const pin = await createPin(clientId);
    emulator.approvePin(pin.code.toLowerCase());
    const polled = await poll(clientId, pin.id);
    assert.match(polled.authToken!, /^[\w-]{20}$/);
    assert.equal(polled.newRegistration, true, "a device new to the account");
    assert.equal((await raw(emulator, "/api/v2/user", { token: polled.authToken! })).status, 200);
    const again = await createPin(clientId);
    emulator.approvePin(again.id);
    assert.equal((await poll(clientId, again.id)).newRegistration, false, "the same device again");
    assert.throws(() => emulator.approvePin("ZZZZZZ"), /No live PIN/);
  });

  it("expires PINs on the emulator's clock", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    await withEmulator({ now: () => now }, async (timed) => {
      const res = await raw(timed, "/api/v2/pins", { method: "POST" });
      const pin = await res.json() as { id: number; expiresIn: number; createdAt: string };
      assert.equal(pin.createdAt, "2026-01-01T00:00:00Z");
      now += 899_000;
      assert.equal(
        ((await (await raw(timed, `/api/v2/pins/${pin.id}`)).json()) as { expiresIn: number }).expiresIn,
        1,
      );
      now += 1_000;
      const gone = await raw(timed, `/api/v2/pins/${pin.id}`);
      assert.equal(gone.status, 404);
      assert.equal((await plexErrorOf(gone)).code, 1020);
    });
  });

  it("approves PINs automatically with autoApprovePins", async () => {
    await withEmulator({ autoApprovePins: 0 }, async (demo) => {
      const pin = await (await raw(demo, "/api/v2/pins", { method: "POST" })).json() as { id: number };
      for (let i = 0; i < 50; i++) {
        const polled = await (await raw(demo, `/api/v2/pins/${pin.id}`)).json() as {
          authToken: string | null;
        };
        if (polled.authToken !== null) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail("the PIN was never approved");
    });
  });
});

describe("PUT /api/v2/pins/link", () => {
  it("lets a signed-in account approve a code another client shows; that client's next poll gets the token", async () => {
    const headless = uniqueClient("headless");
    const pin = await createPin(headless);
    const laptop = await signIn(emulator, uniqueClient("laptop"), "twofactor", "twofactorpass123456");
    const linked = await raw(emulator, "/api/v2/pins/link", {
      method: "PUT",
      clientId: null,
      token: laptop,
      headers: { "X-Plex-Product": "Plex SSO" },
      form: { code: pin.code },
    });
    assert.equal(linked.status, 204);
    const polled = await poll(headless, pin.id);
    const me = await (await raw(emulator, "/api/v2/user", { token: polled.authToken! })).json() as {
      username: string;
    };
    assert.equal(me.username, "twofactor", "the token is the approving account's");
  });

  it("needs the account's token (401/1001), a code (400) and a live code (404/1020)", async () => {
    const pin = await createPin(uniqueClient());
    const anonymous = await raw(emulator, "/api/v2/pins/link", { method: "PUT", form: { code: pin.code } });
    assert.equal((await plexErrorOf(anonymous)).code, 1001);
    const token = await signIn(emulator);
    assert.equal((await raw(emulator, "/api/v2/pins/link", { method: "PUT", token, form: {} })).status, 400);
    const unknown = await raw(emulator, "/api/v2/pins/link", {
      method: "PUT",
      token,
      form: { code: "QQQQ" },
    });
    assert.equal(unknown.status, 404);
    assert.equal((await plexErrorOf(unknown)).code, 1020);
  });

  it("finds a code made only of digits by its code, and never takes a PIN's id for a code", async () => {
    const token = await signIn(emulator);
    const link = (code: string) =>
      raw(emulator, "/api/v2/pins/link", { method: "PUT", token, form: { code } });
    // About 1 code in 130 is all digits (10^4 of 34^4): make PINs until one is.
    let digits: Pin | undefined;
    for (let i = 0; i < 3000 && !digits; i++) {
      const pin = await createPin(uniqueClient("digits"));
      if (/^\d{4}$/.test(pin.code)) digits = pin;
    }
    assert.ok(digits, "no all-digit code in 3000 PINs");
    assert.equal((await link(String(digits.id))).status, 404, "an id is not a code");
    assert.equal((await link(digits.code)).status, 204);
  });
});

describe("PINs with a JWK", () => {
  it("accept any kid the client chose, and 4-character PINs too (plex.tv/link)", async () => {
    const key = await generateDeviceKey();
    const ownKid = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      clientId: uniqueClient(),
      json: { jwk: { ...key.publicJwk, kid: "your-key-id" }, strong: true },
    });
    assert.equal(ownKid.status, 201, "Plex's own example kid is not a thumbprint");
    const short = await raw(emulator, "/api/v2/pins", {
      method: "POST",
      clientId: uniqueClient(),
      json: { jwk: key.publicJwk },
    });
    assert.match((await short.json() as { code: string }).code, /^[A-Z0-9]{4}$/);
    for (
      const jwk of [{ kty: "RSA", n: "x", e: "AQAB" }, { ...key.publicJwk, kid: "" }, {
        ...key.publicJwk,
        d: "x",
      }]
    ) {
      const bad = await raw(emulator, "/api/v2/pins", { method: "POST", json: { jwk, strong: true } });
      assert.equal(bad.status, 422, JSON.stringify(jwk));
    }
  });

  it("gives a Plex JWT only to a device JWT signed by that key", async () => {
    const clientId = uniqueClient();
    const key = await generateDeviceKey();
    const other = await generateDeviceKey();
    const kid = "opaque-kid-1";
    const pin = await createPin(clientId, "", { json: { jwk: { ...key.publicJwk, kid }, strong: true } });
    emulator.approvePin(pin.id);
    assert.equal((await poll(clientId, pin.id)).authToken, null, "no deviceJWT, no token");
    const iat = Math.floor(Date.now() / 1000);
    const sign = (privateKey: CryptoKey) =>
      new SignJWT({ aud: "plex.tv", iss: clientId, iat, exp: iat + 300 })
        .setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" }).sign(privateKey);
    const forged = await raw(emulator, `/api/v2/pins/${pin.id}?deviceJWT=${await sign(other.privateKey)}`, {
      clientId,
    });
    assert.equal(forged.status, 422);
    const polled = await poll(clientId, pin.id, `?deviceJWT=${await sign(key.privateKey)}`);
    assert.equal(decodeJwt(polled.authToken!).thumbprint, kid);
    assert.equal(polled.newRegistration, true);
    assert.equal(emulator.registeredKey(clientId), kid);
    assert.equal(emulator.requests.at(-1)?.query.deviceJWT, "***");
  });
});
