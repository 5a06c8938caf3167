// @lukehagar/plexjs 0.39.0 (with zod 3.25.76, whose schemas check every
// answer) against the emulator, unchanged: its own HTTPClient takes a
// fetcher, which hands plex.tv requests, as they are, to the emulator (which
// answers for the plex.tv host names). Every plex.tv operation it has:
// sign-in with 2FA, PINs, the user, resources, friends, geoip, companions,
// home, users and the watchlist.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PlexAPI } from "@lukehagar/plexjs";
import { HTTPClient } from "@lukehagar/plexjs/lib/http.js";
import type { Emulator } from "../../lib/testing/mod.ts";
import { linkPin, PLEX_HOSTS, plexHostsFetch, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({ hosts: [...PLEX_HOSTS] }, (started) => emulator = started);

const device = {
  clientID: "plexjs-test-client",
  clientName: "PlexjsTest",
  clientVersion: "0.39.0",
  platform: "Node",
  deviceNickname: "test",
};
let httpClient: HTTPClient;
let token = "";

before(() => {
  httpClient = new HTTPClient({ fetcher: plexHostsFetch(emulator) });
});

/** The status and first Plex error code of a typed plexjs error. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; code?: number }> {
  try {
    await promise;
  } catch (err) {
    const typed = err as { rawResponse?: Response; errors?: { code?: number }[] };
    assert.ok(typed.rawResponse, `not a typed plexjs error: ${String(err)}`);
    return { status: typed.rawResponse.status, code: typed.errors?.[0]?.code };
  }
  assert.fail("expected a rejection");
}

describe("@lukehagar/plexjs 0.39.0: authentication", () => {
  it("signs in with the form, always sending rememberMe; 2FA missing, given, wrong password", async () => {
    const anon = new PlexAPI({ httpClient });
    const signed = await anon.authentication.postUsersSignInData({
      ...device,
      requestBody: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(signed.statusCode, 201);
    assert.equal(signed.userPlexAccount?.username, "plexuser");
    assert.deepEqual(emulator.requests.at(-1)!.form, {
      login: "plexuser",
      password: "***",
      rememberMe: "false",
    });
    const { username, password, verificationCode } = emulator.users.twoFactor;
    const twoFactor = { ...device, requestBody: { login: username, password: password! } };
    assert.deepEqual(await failure(anon.authentication.postUsersSignInData(twoFactor)), {
      status: 401,
      code: 1029,
    });
    const withCode = await anon.authentication.postUsersSignInData({
      ...device,
      requestBody: { ...twoFactor.requestBody, verificationCode, rememberMe: true },
    });
    assert.equal(withCode.statusCode, 201);
    const wrong = anon.authentication.postUsersSignInData({
      ...device,
      requestBody: { login: "plexuser", password: "nope" },
    });
    assert.deepEqual(await failure(wrong), { status: 401, code: 1001 });
  });

  it("creates short and strong PINs and polls them: null, the token once linked, 404/1020 unknown", async () => {
    const anon = new PlexAPI({ httpClient });
    const pin = (await anon.plex.getPin({ ...device, strong: false })).authPinContainer!;
    assert.match(pin.code, /^[A-Z0-9]{4}$/);
    const strong = (await anon.plex.getPin({ ...device, strong: true })).authPinContainer!;
    assert.match(strong.code, /^[a-z0-9]{25}$/);
    const poll = (pinID: number) => anon.plex.getTokenByPinId({ pinID, clientID: device.clientID });
    assert.equal((await poll(pin.id)).authPinContainer?.authToken ?? null, null);
    await linkPin(emulator, pin.code);
    token = (await poll(pin.id)).authPinContainer!.authToken!;
    assert.match(token, /^[\w-]{20}$/);
    assert.equal((await poll(strong.id)).authPinContainer?.authToken ?? null, null);
    assert.deepEqual(await failure(poll(1)), { status: 404, code: 1020 });
  });

  it("reads the token's details with no client identifier, and a bad token is 401/1001", async () => {
    const details = await new PlexAPI({ httpClient, accessToken: token }).authentication.getTokenDetails();
    assert.equal(details.userPlexAccount?.username, "plexuser");
    assert.equal(emulator.requests.at(-1)!.clientId, "", "plexjs sends no client identifier here");
    const bad = new PlexAPI({ httpClient, accessToken: "bad-token-00000000000" }).authentication
      .getTokenDetails();
    assert.deepEqual(await failure(bad), { status: 401, code: 1001 });
  });
});

describe("@lukehagar/plexjs 0.39.0: account", () => {
  it("lists resources whose every accessToken is a string, with and without its filters", async () => {
    const api = new PlexAPI({ httpClient, accessToken: token });
    const all = (await api.plex.getServerResources(device.clientID, 1, 1, 1)).plexDevices!;
    assert.deepEqual(all.map((d) => d.name), ["Emulated Server", "Living Room TV"]);
    assert.equal(all[0]!.connections.length, 5);
    const plain = (await api.plex.getServerResources(device.clientID)).plexDevices!;
    assert.equal(plain[0]!.connections.length, 1);
    assert.deepEqual(emulator.requests.at(-1)!.query, {
      includeHttps: "0",
      includeIPv6: "0",
      includeRelay: "0",
    });
  });

  it("lists friends, geo data (no token), companions and the home", async () => {
    const api = new PlexAPI({ httpClient, accessToken: token });
    const friends = (await api.plex.getUserFriends()).friends!;
    assert.deepEqual(friends.map((f) => f.username), ["moviebuddy", "farcousin"]);
    const geo = (await new PlexAPI({ httpClient }).plex.getGeoData()).geoData!;
    assert.equal(geo.code, "NL");
    assert.equal(emulator.requests.at(-1)!.withToken, false);
    const companions = (await api.plex.getCompanionsData()).responseBodies!;
    assert.equal(companions[0]!.identifier, "tv.plex.sonos");
    // Client bug: getHomeData has no plex.tv server of its own and goes to the PMS URL
    // (https://10.10.10.47:32400/home); its per-call serverURL option points it at plex.tv.
    const home = (await api.plex.getHomeData({ serverURL: "https://plex.tv/api/v2" })).object!;
    assert.equal(home.name, "Plex User's Home");
    assert.equal(typeof home.guestUserUUID, "string");
  });

  it("gets the v1 users XML and the watchlist from the metadata provider host", async () => {
    const api = new PlexAPI({ httpClient, accessToken: token });
    const users = await api.users.getUsers({ clientID: device.clientID, xPlexToken: token });
    assert.equal(users.statusCode, 200);
    assert.match(new TextDecoder().decode(users.body as Uint8Array), /<User id="\d+"/);
    const watchlist = await api.watchlist.getWatchList({ filter: "all" as never, xPlexToken: token });
    assert.equal(watchlist.statusCode, 200);
    assert.equal(emulator.requests.at(-1)!.path, "/library/sections/watchlist/all");
    // Client bug: its schema (from plex-api-spec's get-watch-list.yaml) expects the container's
    // fields at the top level, while Plex's JSON wraps them in MediaContainer, so the parsed
    // object is empty; the answer itself carries MediaContainer.Metadata.
    assert.deepEqual(watchlist.object, {});
    const again = await emulator.fetch(watchlist.rawResponse.url, {
      headers: { "X-Plex-Token": token, Accept: "application/json" },
    });
    const body = await again.json() as { MediaContainer: { Metadata: unknown[] } };
    assert.equal(body.MediaContainer.Metadata.length, 2);
  });
});
