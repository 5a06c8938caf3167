// The smaller account services of the emulator: webhooks kept per account
// (python-plexapi's urls[] form), geoip with ip_address and no token,
// companions, the public address, and the discover host's watchlist on the
// same origin.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { raw, signIn, useEmulator } from "../_helpers/emulator.ts";
import { jsonFixture } from "../_helpers/fixtures.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

function form(entries: [string, string][]): string {
  return new URLSearchParams(entries).toString();
}

describe("webhooks", () => {
  it("are replaced by POST urls[] and listed by GET, per account, in XML and JSON", async () => {
    const token = await signIn(emulator);
    const other = await signIn(emulator, undefined, "twofactor", "twofactorpass123456");
    const post = (body: string, as = token) =>
      raw(emulator, "/api/v2/user/webhooks", {
        method: "POST",
        token: as,
        accept: null,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
    const set = await post(form([["urls[]", "https://a.example/hook"], ["urls[]", "http://127.0.0.1:9/b"]]));
    assert.equal(set.status, 200);
    const urls = (text: string) => (parseXml(text).children.webhook ?? []).map((w) => w.attributes.url);
    assert.deepEqual(urls(await set.text()), ["https://a.example/hook", "http://127.0.0.1:9/b"]);
    assert.deepEqual(await (await raw(emulator, "/api/v2/user/webhooks", { token })).json(), [
      { url: "https://a.example/hook" },
      { url: "http://127.0.0.1:9/b" },
    ]);
    assert.deepEqual(
      urls(await (await raw(emulator, "/api/v2/user/webhooks", { token: other, accept: null })).text()),
      [],
    );
    assert.deepEqual(urls(await (await post(form([["urls", ""]]))).text()), [], "urls= clears the list");
    assert.equal((await post(form([["urls[]", "javascript:alert(1)"]]))).status, 400);
  });
});

describe("geoip, companions, public address", () => {
  it("answers geoip without a token or client id, as GeoData JSON or python-plexapi's XML", async () => {
    const json = await raw(emulator, "/api/v2/geoip?ip_address=203.0.113.7", { clientId: null });
    assert.equal(json.status, 200);
    const geo = await json.json() as Record<string, unknown>;
    const real = jsonFixture<{ location: Record<string, unknown> }>("pin_create.json").location;
    assert.deepEqual(Object.keys(geo).sort(), Object.keys(real).sort());
    const xml = parseXml(
      await (await raw(emulator, "/api/v2/geoip?ip_address=::1", { accept: null })).text(),
    );
    assert.ok(xml.name === "location" && xml.attributes.code === geo.code);
    assert.equal((await raw(emulator, "/api/v2/geoip?ip_address=not%20an%20ip")).status, 400);
  });

  it("lists companions with the account's token, and tells the public address", async () => {
    const token = await signIn(emulator);
    const companions = await (await raw(emulator, "/api/v2/companions", { token, clientId: null }))
      .json() as Record<string, string>[];
    assert.deepEqual(Object.keys(companions[0]!).sort(), [
      "baseURL",
      "identifier",
      "linkURL",
      "provides",
      "title",
      "token",
    ]);
    assert.equal(companions[0]!.token, token);
    assert.equal(await (await raw(emulator, "/:/ip")).text(), "127.0.0.1\n");
  });
});

describe("the discover host's watchlist", () => {
  it("serves MediaContainer.Metadata[] from the emulator's origin, paged and filtered", async () => {
    const token = await signIn(emulator);
    const page = async (query: string) =>
      (await (await raw(emulator, `/library/sections/watchlist/all${query}`, { token, clientId: null }))
        .json() as {
          MediaContainer: { size: number; totalSize: number; offset: number; Metadata: { type: string }[] };
        }).MediaContainer;
    const all = await page("?X-Plex-Container-Start=0&X-Plex-Container-Size=50");
    assert.equal(all.size, 2);
    assert.equal(all.Metadata.length, 2);
    const second = await page("?X-Plex-Container-Start=1&X-Plex-Container-Size=1");
    assert.ok(second.offset === 1 && second.size === 1 && second.totalSize === 2);
    assert.deepEqual((await page("?libtype=show")).Metadata.map((m) => m.type), ["show"]);
    assert.equal((await raw(emulator, "/library/sections/watchlist/everything", { token })).status, 404);
  });
});
