// The payload folder: the emulator serves the real captures in
// tests/fixtures/plex.tv with the issued tokens in place, adds signed-in
// devices to the real devices.xml, and filters the real resources.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator, PublicJwk } from "../../lib/testing/mod.ts";
import { PAYLOAD_FILES } from "../../lib/testing/mod.ts";
import { raw, signIn, uniqueClient, useEmulator, withEmulator } from "../_helpers/emulator.ts";
import { fixture, FIXTURES_DIR } from "../_helpers/fixtures.ts";

let fixtures: Emulator;
useEmulator({ payloads: FIXTURES_DIR }, (started) => fixtures = started);

describe("payload folder", () => {
  it("serves the real sign-in and user with the issued token in place", async () => {
    const clientId = uniqueClient();
    const signin = await raw(fixtures, "/api/v2/users/signin", {
      method: "POST",
      clientId,
      form: { login: "plexuser", password: "plexpass" },
    });
    const account = await signin.json() as Record<string, unknown>;
    const real = JSON.parse(await fixture("signin.json")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(account), Object.keys(real));
    const token = account.authToken as string;
    const user = await (await raw(fixtures, "/api/v2/user", { clientId, token })).json() as Record<
      string,
      unknown
    >;
    assert.ok(user.authToken === token && user.uuid === "b9h6f3c8k1");
    const xml = parseXml(
      await (await raw(fixtures, "/api/v2/user", { clientId, token, accept: null })).text(),
    );
    assert.ok(xml.attributes.authToken === token && xml.attributes.username === "testuser");
  });

  it("adds signed-in devices to the real devices.xml and filters the real resources", async () => {
    const clientId = uniqueClient();
    const token = await signIn(fixtures, clientId);
    const devices = parseXml(await (await raw(fixtures, "/devices.xml", { token, accept: null })).text());
    const ids = devices.children.Device!.map((d) => d.attributes.clientIdentifier);
    assert.ok(ids.includes("906a992fc4c5722595f36732838bcc330700b2af") && ids.includes(clientId));
    type Resource = { connections: { relay: boolean }[] };
    const get = async (query: string) =>
      await (await raw(fixtures, `/api/v2/resources${query}`, { token })).json() as Resource[];
    const all = await get("?includeHttps=1&includeRelay=1&includeIPv6=1");
    const noRelay = await get("?includeHttps=1&includeIPv6=1");
    const count = (list: Resource[]) => list.reduce((n, r) => n + r.connections.length, 0);
    assert.equal(all.length, 7);
    assert.ok(count(noRelay) < count(all) && noRelay.every((r) => r.connections.every((c) => !c.relay)));
    const pin = await (await raw(fixtures, "/api/v2/pins", { method: "POST", clientId })).json() as {
      location: { city: string };
    };
    assert.equal(pin.location.city, "Toronto");
    const geo = await (await raw(fixtures, "/api/v2/geoip")).json() as { city: string };
    assert.equal(geo.city, "Toronto");
    for (const path of ["/api/invites/requested", "/api/resources", "/api/users"]) {
      assert.equal(
        parseXml(await (await raw(fixtures, path, { token, accept: null })).text()).name,
        "MediaContainer",
        path,
      );
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

  it("refuses a folder with none of the known files", async () => {
    assert.ok(PAYLOAD_FILES.includes("signin.json"));
    await assert.rejects(
      withEmulator({ payloads: new URL(".", import.meta.url).pathname }, async () => {}),
      { code: "invalid_argument", message: /none of/ },
    );
  });
});
