// Sign-in routes of the emulator: the v2 form (and JSON) sign-in, the legacy
// sign_in.json / sign_in.xml with HTTP Basic, a form or a JSON envelope, 2FA
// and the lockout after repeated failures.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { plexErrorOf, raw, signIn, uniqueClient, useEmulator } from "../_helpers/emulator.ts";
import { fixture } from "../_helpers/fixtures.ts";

let emulator: Emulator;
useEmulator({ signinFailureLimit: 3 }, (started) => emulator = started);

const basic = (login: string, password: string) => `Basic ${btoa(`${login}:${password}`)}`;

describe("POST /api/v2/users/signin", () => {
  it("answers 201 with the account and a 20-character token, one per (account, client)", async () => {
    const clientId = uniqueClient();
    const res = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass", rememberMe: "true" },
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("content-type"), "application/json");
    const account = await res.json() as Record<string, unknown>;
    assert.equal(account.username, "plexuser");
    assert.match(account.authToken as string, /^[\w-]{20}$/);
    assert.ok(Array.isArray(account.pastSubscriptions) && Array.isArray(account.trials));
    const second = await signIn(emulator, clientId, "plexuser@example.com");
    assert.notEqual(second, account.authToken);
    assert.equal((await raw(emulator, "/api/v2/user", { token: account.authToken as string })).status, 401);
    assert.equal((await raw(emulator, "/api/v2/user", { token: second })).status, 200);
    const other = await signIn(emulator);
    assert.equal(
      (await raw(emulator, "/api/v2/user", { token: other })).status,
      200,
      "other clients keep theirs",
    );
  });

  it("accepts what real clients send: rememberMe as Python's True, a JSON body, XML without Accept", async () => {
    const python = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      form: { login: "plexuser", password: "plexpass", rememberMe: "True" },
    });
    assert.equal(python.status, 201, "python-plexapi form-encodes rememberMe=True");
    const json = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      json: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(json.status, 201, "a JSON body is read like a form (Rails parameters)");
    const xml = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      accept: null,
      form: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(xml.status, 201);
    assert.match(parseXml(await xml.text()).attributes.authToken!, /^[\w-]{20}$/);
  });

  it("needs a client identifier (1000) and both fields (400)", async () => {
    const noClient = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: null,
      form: { login: "plexuser", password: "plexpass" },
    });
    assert.deepEqual(await noClient.json(), JSON.parse(await fixture("error_1000.json")));
    const missing = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      form: { login: "plexuser" },
    });
    assert.equal(missing.status, 400);
  });

  it("answers 1001 for bad credentials and 1029/1028 for 2FA, in JSON and XML", async () => {
    const bad = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: uniqueClient(),
      form: { login: "plexuser", password: "nope" },
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), JSON.parse(await fixture("error_1001.json")));
    const { username, password, verificationCode } = emulator.users.twoFactor;
    const form = { login: username, password: password! };
    const needCode = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: uniqueClient(),
      form,
    });
    assert.deepEqual(await needCode.json(), JSON.parse(await fixture("error_1029.json")));
    const xml = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: uniqueClient(),
      form,
      accept: null,
    });
    assert.deepEqual(
      parseXml(await xml.text()).children.error![0]!.attributes,
      parseXml(await fixture("error_xml_1029.xml")).children.error![0]!.attributes,
    );
    const wrong = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: uniqueClient(),
      form: { ...form, verificationCode: "000000" },
    });
    assert.equal((await plexErrorOf(wrong)).code, 1028);
    const right = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: uniqueClient(),
      form: { ...form, verificationCode: verificationCode! },
    });
    assert.equal(right.status, 201);
    const appended = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: uniqueClient(),
      form: { login: username, password: password! + verificationCode },
    });
    assert.equal(appended.status, 201, "the code appended to the password is accepted");
  });

  it("blocks a client with 1031 after repeated failures, even with the right password", async () => {
    const clientId = uniqueClient();
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
      accept: null,
      form: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(blocked.status, 401);
    assert.deepEqual(
      parseXml(await blocked.text()).children.error![0]!.attributes,
      parseXml(await fixture("error_xml_1031.xml")).children.error![0]!.attributes,
    );
    await signIn(emulator, uniqueClient());
  });
});

describe("POST /users/sign_in.json and /users/sign_in.xml (legacy)", () => {
  it("signs in with HTTP Basic and an empty JSON request, answering 201 {user: {...}}", async () => {
    const res = await raw(emulator, "/users/sign_in.json", {
      method: "POST",
      headers: { Authorization: basic("plexuser", "plexpass"), "Content-Type": "application/json" },
    });
    assert.equal(res.status, 201);
    const { user } = await res.json() as { user: Record<string, unknown> };
    assert.match(user.authToken as string, /^[\w-]{20}$/);
    assert.equal(user.authentication_token, user.authToken);
    assert.equal(user.username, "plexuser");
    assert.equal(typeof (user.subscription as { active: unknown }).active, "boolean");
    assert.equal((await raw(emulator, "/api/v2/user", { token: user.authToken as string })).status, 200);
  });

  it("takes the form user[login]/user[password] and the JSON envelope {user: {login, password}}", async () => {
    const form = await raw(emulator, "/users/sign_in.json", {
      method: "POST",
      form: { "user[login]": "plexuser", "user[password]": "plexpass" },
    });
    assert.equal(form.status, 201);
    const envelope = await raw(emulator, "/users/sign_in.json", {
      method: "POST",
      json: { user: { login: "plexuser@example.com", password: "plexpass" } },
    });
    assert.equal(envelope.status, 201);
  });

  it("needs no client identifier, and takes a 2FA code only appended to the password", async () => {
    const { username, password, verificationCode } = emulator.users.twoFactor;
    const without = await raw(emulator, "/users/sign_in.json", {
      method: "POST",
      clientId: null,
      headers: { Authorization: basic(username, password!) },
    });
    assert.equal(without.status, 401);
    assert.equal((await plexErrorOf(without)).code, 1029);
    const appended = await raw(emulator, "/users/sign_in.json", {
      method: "POST",
      clientId: null,
      headers: { Authorization: basic(username, password! + verificationCode) },
    });
    assert.equal(appended.status, 201);
    const wrong = await raw(emulator, "/users/sign_in.json", {
      method: "POST",
      clientId: uniqueClient(),
      headers: { Authorization: basic("plexuser", "wrong") },
    });
    assert.equal((await plexErrorOf(wrong)).code, 1001);
  });

  it("answers XML from sign_in.xml, with authenticationToken and the old child elements", async () => {
    const res = await raw(emulator, "/users/sign_in.xml", {
      method: "POST",
      accept: null,
      headers: { Authorization: basic("plexuser", "plexpass") },
    });
    assert.equal(res.status, 201);
    const user = parseXml(await res.text());
    assert.equal(user.name, "user");
    assert.match(user.attributes.authenticationToken!, /^[\w-]{20}$/);
    assert.equal(user.attributes.authToken, user.attributes.authenticationToken);
    assert.equal(user.children["authentication-token"]![0]!.text, user.attributes.authToken);
    const bad = await raw(emulator, "/users/sign_in.xml", {
      method: "POST",
      clientId: uniqueClient(),
      form: { "user[login]": "plexuser", "user[password]": "wrong" },
    });
    assert.equal(bad.status, 401);
    assert.equal(parseXml(await bad.text()).children.error![0]!.attributes.code, "1001");
    const garbled = await raw(emulator, "/users/sign_in.xml", {
      method: "POST",
      clientId: uniqueClient(),
      headers: { Authorization: "Basic !!!" },
    });
    assert.equal(garbled.status, 401, "undecodable Basic credentials are bad credentials");
  });
});
