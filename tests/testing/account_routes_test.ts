// Account routes of the emulator: which token it takes (legacy, JWT,
// expired, foreign, revoked), the user in JSON and XML without a client
// identifier, ping, claim token and sign-out.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { generateDeviceKey } from "../../mod.ts";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { plexErrorOf, raw, signIn, uniqueClient, useEmulator } from "../_helpers/emulator.ts";
import { fixture } from "../_helpers/fixtures.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

const AUTHENTICATED = [
  "GET /api/v2/user",
  "GET /devices.xml",
  "GET /api/v2/resources",
  "GET /api/v2/devices",
  "GET /api/v2/ping",
  "GET /api/v2/home",
  "GET /api/v2/home/users",
  "GET /api/home/users",
  "GET /api/v2/friends",
  "GET /api/v2/companions",
  "GET /api/v2/user/webhooks",
  "POST /api/v2/user/webhooks",
  "GET /api/claim/token.json",
  "GET /api/users",
  "GET /library/sections/watchlist/all",
  "PUT /api/v2/pins/link",
  "DELETE /api/v2/users/signout",
];

describe("tokens", () => {
  it("every account route answers 401/1001 for a missing or unknown token", async () => {
    const real = JSON.parse(await fixture("error_1001.json"));
    for (const line of AUTHENTICATED) {
      const [method, path] = line.split(" ") as [string, string];
      for (const token of [undefined, "abcdefghijklmnopqrst"]) {
        const res = await raw(emulator, path, { method, token });
        assert.equal(res.status, 401, `${line} with ${token ?? "no token"}`);
        assert.deepEqual(await res.json(), real, line);
      }
    }
  });

  it("takes a Plex JWT it issued; refuses expired (498, plex-doc: it needs a refresh), foreign-signed and revoked ones (401)", async () => {
    const clientId = uniqueClient();
    const expired = await emulator.issueJwt({ clientId, expiresInSeconds: -60 });
    assert.equal((await raw(emulator, "/api/v2/user", { token: expired })).status, 498);
    const stranger = await generateDeviceKey();
    const foreign = await new SignJWT({ iss: "plex.tv", exp: 4_000_000_000, user: { id: 1 } })
      .setProtectedHeader({ alg: "EdDSA", kid: "x" }).sign(stranger.privateKey);
    assert.equal((await raw(emulator, "/api/v2/user", { token: foreign })).status, 401);
    const jwt = await emulator.issueJwt({ clientId });
    assert.equal((await raw(emulator, "/api/v2/user", { token: jwt })).status, 200);
    assert.ok(emulator.revokeToken(jwt));
    assert.equal((await raw(emulator, "/api/v2/user", { token: jwt })).status, 401);
    assert.equal(emulator.revokeToken("not-a-token"), false);
  });

  it("accepts the client identifier and token as query parameters, like plex.tv", async () => {
    const clientId = uniqueClient();
    const token = await signIn(emulator, clientId);
    const res = await raw(
      emulator,
      `/api/v2/user?X-Plex-Client-Identifier=${clientId}&X-Plex-Token=${token}`,
      {
        clientId: null,
      },
    );
    assert.equal(res.status, 200);
    assert.equal(emulator.requests.at(-1)?.query["X-Plex-Token"], "***", "the token is redacted in the log");
  });
});

describe("GET /api/v2/user", () => {
  it("needs no client identifier (plexjs and curl send none), in JSON and XML", async () => {
    const token = await signIn(emulator);
    const json = await raw(emulator, "/api/v2/user", { token, clientId: null });
    assert.equal(json.status, 200);
    const user = await json.json() as Record<string, unknown>;
    assert.equal(user.authToken, token);
    assert.equal(user.pastSubscriptions, undefined, "the sign-in-only fields are absent");
    const xml = await raw(emulator, "/api/v2/user", { token, clientId: null, accept: null });
    assert.match(xml.headers.get("content-type") ?? "", /xml/);
    const root = parseXml(await xml.text());
    assert.ok(root.name === "user" && root.attributes.username === "plexuser");
    assert.deepEqual(
      Object.keys(root.children).sort(),
      Object.keys(parseXml(await fixture("user.xml")).children).sort(),
    );
  });

  it("answers 406 for an Accept it cannot serve", async () => {
    const token = await signIn(emulator);
    assert.equal((await raw(emulator, "/api/v2/user", { token, accept: "text/html" })).status, 406);
    assert.equal((await raw(emulator, "/api/v2/auth/keys", { accept: "application/xml" })).status, 406);
  });
});

describe("ping, claim token, sign-out", () => {
  it("serves ping (XML text true, for python-plexapi), the claim token, and sign-out revokes the token", async () => {
    const token = await signIn(emulator);
    assert.deepEqual(await (await raw(emulator, "/api/v2/ping", { token })).json(), { pong: true });
    const pong = parseXml(await (await raw(emulator, "/api/v2/ping", { token, accept: null })).text());
    assert.equal(pong.text, "true");
    const claim = await (await raw(emulator, "/api/claim/token.json", { token, clientId: null })).json() as {
      token: string;
    };
    assert.match(claim.token, /^claim-[\w-]{20}$/);
    assert.equal((await raw(emulator, "/api/v2/users/signout", { method: "DELETE", token })).status, 204);
    assert.equal((await raw(emulator, "/api/v2/user", { token })).status, 401);
  });

  it("serves its own OpenID discovery document", async () => {
    const doc = await (await raw(emulator, "/.well-known/openid-configuration", { clientId: null }))
      .json() as {
        jwks_uri: string;
      };
    assert.equal(doc.jwks_uri, `${emulator.url}/api/v2/auth/keys`);
  });

  it("answers 404 with code 1002 for unknown paths and methods", async () => {
    for (
      const [method, path] of [["GET", "/api/v2/nothing-here"], ["PUT", "/api/v2/user"], [
        "GET",
        "/api/v2/shared_servers",
      ]]
    ) {
      const res = await raw(emulator, path!, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal((await plexErrorOf(res)).code, 1002);
    }
  });
});
