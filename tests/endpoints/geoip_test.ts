// Geoip (GET /api/v2/geoip?ip_address=IP): the location from a real GeoData
// (a PIN's location in tests/fixtures/plex.tv), the request, the IP check.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlexError } from "../../lib/errors.ts";
import { ipAddress, parseGeoLocation, processGeoipResponse } from "../../lib/endpoints/geoip.ts";
import type { PlexResponse } from "../../lib/http/types.ts";
import { fixture } from "../_helpers/fixtures.ts";
import { clientOf, recordingConfig, recordingFetch, reply, TOKEN } from "../_helpers/account_api.ts";

const recorded = (status: number, body: string): PlexResponse => ({
  status,
  headers: new Headers(),
  body,
  url: "https://plex.tv/api/v2/geoip",
});

async function realLocation(name = "pin_create.json"): Promise<Record<string, unknown>> {
  return JSON.parse(await fixture(name)).location;
}

describe("geoip (GET /api/v2/geoip)", () => {
  it("types the GeoData plex.tv writes (pin_create.json's location)", async () => {
    const doc = await realLocation();
    const where = processGeoipResponse(recorded(200, JSON.stringify(doc)));
    assert.equal(where.code, "CA");
    assert.equal(where.continent_code, "NA");
    assert.equal(where.country, "Canada");
    assert.equal(where.city, "Toronto");
    assert.equal(where.subdivisions, "Ontario");
    assert.equal(where.postal_code, "M5J");
    assert.equal(where.time_zone, "America/Toronto");
    assert.equal(where.coordinates, "43.6227, -79.3892");
    assert.equal(where.european_union_member, false);
    assert.equal(where.in_privacy_restricted_country, false);
    assert.deepEqual(Object.keys(where).sort(), Object.keys(doc).sort());
    const eu = parseGeoLocation(await realLocation("pin_spec_example.json"));
    assert.equal(eu.european_union_member, true);
    assert.equal(eu.in_privacy_restricted_region, true);
  });

  it("reads a numeric postal code as text, and Unknown flags as unknown", async () => {
    const where = parseGeoLocation({
      ...await realLocation(),
      postal_code: 802,
      european_union_member: "Unknown",
      in_privacy_restricted_country: "1",
      isp: "kept",
    });
    assert.equal(where.postal_code, "802");
    assert.equal(where.european_union_member, undefined);
    assert.equal(where.in_privacy_restricted_country, true);
    assert.equal(where.isp, "kept");
    assert.deepEqual(parseGeoLocation({}), {}, "an address plex.tv does not know");
  });

  it("reports a wrong type with its path, and maps error statuses", async () => {
    const doc = await realLocation();
    assert.throws(() => parseGeoLocation({ ...doc, city: 7 }), {
      code: "invalid_response",
      message: "city should be a string, got number",
    });
    assert.throws(() => parseGeoLocation({ ...doc, european_union_member: "sometimes" }), {
      message: "european_union_member should be a boolean, got string",
    });
    assert.throws(() => parseGeoLocation([doc]), { code: "invalid_response" });
    assert.throws(() => processGeoipResponse(recorded(200, "<location code='CA'/>")), {
      code: "invalid_response",
    });
    const e1000 = await fixture("error_1000.json");
    assert.throws(() => processGeoipResponse(recorded(400, e1000)), { code: "client_id_missing" });
    assert.throws(() => processGeoipResponse(recorded(401, "")), { code: "unauthorized" });
    assert.throws(() => processGeoipResponse(recorded(404, "")), { code: "not_found" });
  });

  it("sends ip_address when given, and nothing for the caller's own address", async () => {
    const doc = JSON.stringify(await realLocation());
    const { fetch, requests } = recordingFetch(() => reply(200, doc));
    const client = clientOf(recordingConfig(fetch));
    assert.equal((await client.geoip("203.0.113.7")).city, "Toronto");
    assert.equal((await client.geoip("2001:db8::1")).city, "Toronto");
    await client.geoip();
    assert.deepEqual(requests.map((r) => r.url.href), [
      "https://plex.tv/api/v2/geoip?ip_address=203.0.113.7",
      "https://plex.tv/api/v2/geoip?ip_address=2001%3Adb8%3A%3A1",
      "https://plex.tv/api/v2/geoip",
    ]);
    assert.ok(requests.every((r) => r.method === "GET" && r.headers.get("X-Plex-Token") === TOKEN));
  });

  it("accepts IPv4 and IPv6 addresses and refuses anything else before sending", async () => {
    for (
      const good of [
        "0.0.0.0",
        "255.255.255.255",
        "8.8.8.8",
        "::",
        "::1",
        "fe80::1:2",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:7:8",
      ]
    ) {
      assert.equal(ipAddress(good), good);
    }
    const { fetch, requests } = recordingFetch(() => reply(200, "{}"));
    const client = clientOf(recordingConfig(fetch));
    for (
      const bad of [
        "",
        "256.1.1.1",
        "1.2.3",
        "01.2.3.4",
        "1.2.3.4 ",
        "1.2.3.4:80",
        "[::1]",
        "fe80::1%eth0",
        "1:2:3:4:5:6:7:8:9",
        ":::",
        "example.com",
        "1.2.3.4&ip_address=5.6.7.8",
        "x".repeat(50),
      ]
    ) {
      await assert.rejects(client.geoip(bad), (err: unknown) => {
        assert.ok(err instanceof PlexError && err.code === "invalid_argument", `${bad}: ${err}`);
        return true;
      });
    }
    assert.equal(requests.length, 0);
  });
});
