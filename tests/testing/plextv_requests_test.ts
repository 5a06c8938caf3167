// What plextv itself sends, read from the emulator's request log and checked
// exactly against the protocol (shared/docs/plex-tv-protocol.md): on every
// request the client identifier, the non-empty device headers and no other
// X-Plex-* header, Accept JSON (XML for devices.xml), the token only on
// authenticated calls, Content-Type only with a body; and per call the exact
// form fields, JSON members and query.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Device } from "../../mod.ts";
import type { RequestRecord } from "../../lib/testing/mod.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { configFor, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({ nonceRateLimit: 1000 }, (started) => emulator = started);

const DEVICE: Device = {
  product: "Protocol Test",
  version: "9.1",
  platform: "Linux",
  platformVersion: "6.1",
  device: "PC",
  model: "x86_64",
  deviceVendor: "Tux",
  deviceName: "bench",
  provides: "controller",
};
const DEVICE_HEADERS: Record<string, string> = {
  "x-plex-product": "Protocol Test",
  "x-plex-version": "9.1",
  "x-plex-platform": "Linux",
  "x-plex-platform-version": "6.1",
  "x-plex-device": "PC",
  "x-plex-model": "x86_64",
  "x-plex-device-vendor": "Tux",
  "x-plex-device-name": "bench",
  "x-plex-provides": "controller",
};

interface Expected {
  line: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  token: boolean;
  accept?: string;
  contentType?: string;
}

/** Asserts one logged request exactly: its line, query, body fields and every header. */
function assertSent(record: RequestRecord | undefined, clientId: string, expected: Expected): void {
  assert.ok(record, `${expected.line} was not sent`);
  assert.equal(`${record.method} ${record.path}`, expected.line);
  assert.deepEqual(record.query, expected.query ?? {}, `${expected.line}: query`);
  assert.deepEqual(record.form, expected.form ?? {}, `${expected.line}: body`);
  const headers: Record<string, string> = {
    accept: expected.accept ?? "application/json",
    "x-plex-client-identifier": clientId,
    ...DEVICE_HEADERS,
  };
  if (expected.token) headers["x-plex-token"] = "***";
  if (expected.contentType) headers["content-type"] = expected.contentType;
  const sent = Object.fromEntries(
    Object.entries(record.headers).filter(([name]) =>
      name.startsWith("x-plex-") || name === "accept" || name === "content-type"
    ),
  );
  assert.deepEqual(sent, headers, `${expected.line}: headers`);
}

function config(clientId?: string) {
  return configFor(emulator, clientId).withDevice(DEVICE);
}

describe("what plextv sends", () => {
  it("signs in with the form login, password, rememberMe, and verificationCode only for 2FA", async () => {
    const plain = config();
    await plain.registerWithCredentials("plexuser", "plexpass");
    const form = "application/x-www-form-urlencoded";
    assertSent(emulator.requests.at(-1), plain.clientId, {
      line: "POST /api/v2/users/signin",
      form: { login: "plexuser", password: "***", rememberMe: "true" },
      token: false,
      contentType: form,
    });
    const twoFactor = config();
    await twoFactor.registerWithCredentials("twofactor", "twofactorpass", {
      verificationCode: "123456",
      rememberMe: false,
    });
    assertSent(emulator.requests.at(-1), twoFactor.clientId, {
      line: "POST /api/v2/users/signin",
      form: { login: "twofactor", password: "***", rememberMe: "false", verificationCode: "***" },
      token: false,
      contentType: form,
    });
  });

  it("creates PINs with no body (strong=true in the query for a strong one) and polls without a token", async () => {
    const pins = config();
    const short = await pins.pinRequest();
    assertSent(emulator.requests.at(-1), pins.clientId, { line: "POST /api/v2/pins", token: false });
    await pins.pinRequest({ strong: true });
    assertSent(emulator.requests.at(-1), pins.clientId, {
      line: "POST /api/v2/pins",
      query: { strong: "true" },
      token: false,
    });
    await pins.validatePin(short.pin.id);
    assertSent(emulator.requests.at(-1), pins.clientId, {
      line: `GET /api/v2/pins/${short.pin.id}`,
      token: false,
    });
  });

  it("registers a key with the token and a JSON jwk, then refreshes with a nonce and a JSON jwt, without the token", async () => {
    const jwt = config();
    const legacy = await jwt.registerWithCredentials("plexuser", "plexpass");
    const key = await jwt.generateAndUploadPublicKey(legacy);
    assertSent(emulator.requests.at(-1), jwt.clientId, {
      line: "POST /api/v2/auth/jwk",
      form: { jwk: JSON.stringify({ ...key.publicJwk }) },
      token: true,
      contentType: "application/json",
    });
    assert.deepEqual(Object.keys(key.publicJwk).sort(), ["alg", "crv", "kid", "kty", "use", "x"]);
    emulator.resetRequests();
    await jwt.jwtToken(key.privateKey, key.keyId);
    const [nonce, exchange] = emulator.requests;
    assertSent(nonce, jwt.clientId, { line: "GET /api/v2/auth/nonce", token: false });
    assertSent(exchange, jwt.clientId, {
      line: "POST /api/v2/auth/token",
      form: { jwt: "***" },
      token: false,
      contentType: "application/json",
    });
  });

  it("creates a PIN with {jwk, strong: true} and polls it with deviceJWT in the query", async () => {
    const pinJwt = config();
    emulator.resetRequests();
    const { key } = await pinJwt.registerWithPinJwt((pin) => emulator.approvePin(pin.id), {
      pollInterval: 20,
    });
    const [created, ...polls] = emulator.requests;
    assertSent(created, pinJwt.clientId, {
      line: "POST /api/v2/pins",
      form: { jwk: JSON.stringify({ ...key.publicJwk }), strong: "true" },
      token: false,
      contentType: "application/json",
    });
    assert.ok(polls.length >= 1);
    for (const poll of polls) {
      assertSent(poll, pinJwt.clientId, {
        line: poll.method + " " + poll.path,
        query: { deviceJWT: "***" },
        token: false,
      });
      assert.match(poll.path, /^\/api\/v2\/pins\/\d+$/);
    }
  });

  it("calls the account endpoints with the token, Accept JSON (XML for devices.xml) and the documented queries", async () => {
    const account = config();
    const token = await account.registerWithCredentials("plexuser", "plexpass");
    const client = account.client({ token: () => Promise.resolve(token) });
    const partner = emulator.users.protectedHomeMember;
    const calls: [() => Promise<unknown>, Omit<Expected, "token">][] = [
      [() => client.user(), { line: "GET /api/v2/user" }],
      [() => client.registeredDevices(), { line: "GET /devices.xml", accept: "application/xml" }],
      [() => client.resources(), {
        line: "GET /api/v2/resources",
        query: { includeHttps: "1", includeRelay: "1", includeIPv6: "1" },
      }],
      [() => client.devices(), { line: "GET /api/v2/devices" }],
      [() => client.ping(), { line: "GET /api/v2/ping" }],
      [() => client.homeUsers(), { line: "GET /api/v2/home/users" }],
      [() => client.claimToken(), { line: "GET /api/claim/token.json" }],
      [() => client.switchHomeUser(partner.uuid, { pin: partner.pin }), {
        line: `POST /api/v2/home/users/${partner.uuid}/switch`,
        form: { pin: "***" },
        contentType: "application/x-www-form-urlencoded",
      }],
    ];
    for (const [call, expected] of calls) {
      await call();
      assertSent(emulator.requests.at(-1), account.clientId, { ...expected, token: true });
    }
    const removable = await config().registerWithCredentials("plexuser", "plexpass");
    const device = (await client.devices()).find((d) => d.token?.value === removable.value);
    await client.removeDevice(device!.id);
    assertSent(emulator.requests.at(-1), account.clientId, {
      line: `DELETE /devices/${device!.id}.xml`,
      token: true,
      accept: "application/xml",
    });
    await client.signOut();
    assertSent(emulator.requests.at(-1), account.clientId, {
      line: "DELETE /api/v2/users/signout",
      token: true,
    });
  });
});
