// The plex.tv response types and their parsers, on the recorded payloads in
// tests/fixtures/plex.tv/.
import { fixture } from "../_helpers/fixtures.ts";
import { assertInvalid } from "../_helpers/invalid_response.ts";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { PlexError } from "../../lib/errors.ts";
import type { PlexResponse } from "../../lib/http/send.ts";
import { Token } from "../../lib/token.ts";
import { parseAccount, processUserResponse } from "../../lib/endpoints/account.ts";
import { parseAccountXml } from "../../lib/endpoints/account_xml.ts";
import { processClaimTokenResponse } from "../../lib/endpoints/claim_token.ts";
import { parseHome, processSwitchHomeUserResponse } from "../../lib/endpoints/home_user.ts";
import { parseInvites } from "../../lib/endpoints/invite.ts";
import { parsePlexTvDevices } from "../../lib/endpoints/plex_tv_device.ts";
import {
  isMediaServer,
  parseRegisteredDevices,
  processRegisteredDevicesResponse,
} from "../../lib/endpoints/registered_device.ts";
import { parseResources, parseResourcesXml, processResourcesResponse } from "../../lib/endpoints/resource.ts";
import { parseSharedUsers } from "../../lib/endpoints/shared_user.ts";

const json = async (name: string): Promise<Record<string, unknown>> => JSON.parse(await fixture(name));
const response = (status: number, body: string): PlexResponse => ({
  status,
  headers: new Headers(),
  body,
  url: "https://plex.tv/test",
});

/** Both ways a secret could leak when a value is printed. */
function printed(value: unknown): string {
  return inspect(value, { depth: 10 }) + JSON.stringify(value);
}

describe("Account (GET /api/v2/user)", () => {
  it("types every field of user.json, with unix seconds and ISO dates as Dates", async () => {
    const doc = await json("user.json");
    const account = parseAccount(doc);
    assert.equal(account.id, 62735028);
    assert.equal(account.uuid, "b9h6f3c8k1");
    assert.equal(account.username, "ZjFvKLCb");
    assert.equal(account.email, "c9eMdShR@example.com");
    assert.equal(account.locale, null);
    assert.equal(account.confirmed, false);
    assert.deepEqual(account.joinedAt, new Date(1552593531 * 1000));
    assert.deepEqual(account.rememberExpiresAt, new Date(1725611719 * 1000));
    assert.deepEqual(account.subscription.subscribedAt, new Date("2019-03-16T15:20:12Z"));
    assert.equal(
      account.subscription.features.length,
      (doc.subscription as { features: unknown[] }).features.length,
    );
    assert.equal(account.subscription.plan, null);
    assert.equal(account.profile.defaultAudioLanguage, "ja");
    assert.equal(account.profile.autoSelectSubtitle, 1);
    assert.equal(account.homeSize, 1);
    assert.equal(account.maxHomeSize, 15);
    assert.equal(account.anonymous, false);
    assert.equal(account.adsConsent, null);
    assert.equal(account.adsConsentSetAt, null);
    assert.equal(account.attributionPartner, null);
    assert.equal(account.twoFactorEnabled, false);
    assert.equal(account.services.length, 20);
    // every field of the payload is still there
    assert.deepEqual(Object.keys(account).sort(), Object.keys(doc).sort());
  });

  it("keeps the account token and service secrets usable but never prints them", async () => {
    const account = parseAccount(await json("user.json"));
    assert.ok(account.authToken instanceof Token);
    assert.equal(account.authToken.value, "jx9nTbVbHk1gM");
    const lyricfind = account.services.find((s) => s.identifier === "lyricfind");
    assert.equal(lyricfind?.token?.value, "m3y4tUjKlN8fMxC7oQ2b");
    assert.equal(lyricfind?.secret?.value, "a1d5vWxHpQ6oLyT4gR3c");
    const out = printed(account);
    for (const secret of ["jx9nTbVbHk1gM", "m3y4tUjKlN8fMxC7oQ2b", "a1d5vWxHpQ6oLyT4gR3c"]) {
      assert.ok(!out.includes(secret), `printed account leaks ${secret.slice(0, 3)}…`);
    }
  });

  it("parses both sign-in payloads: nulls stay null and sign-in-only fields are kept", async () => {
    const alt = parseAccount(await json("signin_alt.json"));
    assert.equal(alt.subscription.subscribedAt, null);
    assert.equal(alt.anonymous, null);
    assert.equal(alt.profile.defaultAudioLanguage, null);
    assert.deepEqual(alt.pastSubscriptions, []);
    assert.deepEqual(alt.trials, []);
    const full = parseAccount(await json("signin.json"));
    assert.ok(Array.isArray(full.pastSubscriptions));
  });

  it("reads the lists plex-api-spec leaves optional (subscriptions, the features) as empty when absent", async () => {
    const { subscriptions: _, ...doc } = await json("user.json");
    const { features: __, ...subscription } = doc.subscription as Record<string, unknown>;
    const account = processUserResponse(response(200, JSON.stringify({ ...doc, subscription })));
    assert.deepEqual(account.subscriptions, []);
    assert.deepEqual(account.subscription.features, []);
    assertInvalid(() => parseAccount({ ...doc, subscriptions: "none" }), "subscriptions");
  });

  it("keeps unknown fields, nested ones too", async () => {
    const doc = await json("user.json");
    const account = parseAccount({
      ...doc,
      newTopLevel: { x: 1 },
      subscription: { ...(doc.subscription as object), renewsAt: 123 },
    });
    assert.deepEqual(account.newTopLevel, { x: 1 });
    assert.equal(account.subscription.renewsAt, 123);
  });

  it("rejects a wrong type with the field's path", async () => {
    const doc = await json("user.json");
    const subscription = doc.subscription as { features: unknown[] };
    assertInvalid(
      () =>
        parseAccount({ ...doc, subscription: { ...subscription, features: [...subscription.features, 42] } }),
      `subscription.features[${subscription.features.length}] should be a string, got number`,
    );
    assertInvalid(() => parseAccount({ ...doc, joinedAt: "yesterday" }), "joinedAt");
    assertInvalid(() => parseAccount({ ...doc, authToken: null }), "authToken");
    assertInvalid(() => parseAccount({ ...doc, services: [{ identifier: "x" }] }), "services[0].endpoint");
    assertInvalid(() => parseAccount([doc]), "the response should be an object");
  });

  it("reads the XML form of the account (user.xml)", async () => {
    const account = parseAccountXml(await fixture("user.xml"));
    assert.equal(account.id, 12345);
    assert.equal(account.authToken.value, "faketoken");
    assert.equal(account.home, true);
    assert.equal(account.homeSize, 2);
    assert.equal(account.locale, null);
    assert.equal(account.anonymous, null);
    assert.deepEqual(account.joinedAt, new Date(946730096 * 1000));
    assert.deepEqual(account.subscription.subscribedAt, new Date("2023-03-24T00:00:00Z"));
    assert.deepEqual(account.subscription.features, ["companions_sonos"]);
    assert.equal(account.subscription.paymentService, null);
    assert.deepEqual(account.entitlements, ["all"]);
    assert.deepEqual(account.roles, ["plexpass"]);
    assert.equal(account.profile.autoSelectAudio, false);
    assert.ok(!printed(account).includes("faketoken"));
  });

  it("maps error and malformed bodies to typed errors", async () => {
    assert.throws(() => processUserResponse(response(401, "")), { code: "unauthorized" });
    const e1001 = await fixture("error_1001.json");
    assert.throws(() => processUserResponse(response(401, e1001)), (err: unknown) => {
      assert.ok(err instanceof PlexError);
      assert.equal(err.code, "unauthorized");
      assert.equal(err.plexCode, 1001);
      return true;
    });
    const truncated = (await fixture("user.json")).slice(0, 200);
    assert.throws(() => processUserResponse(response(200, truncated)), { code: "invalid_response" });
    assert.throws(() => processUserResponse(response(200, "<html><body>Oops</body></html>")), {
      code: "invalid_response",
    });
  });
});

describe("RegisteredDevice (GET /devices.xml)", () => {
  it("parses devices.xml into typed devices", async () => {
    const devices = parseRegisteredDevices(await fixture("devices.xml"));
    assert.equal(devices.length, 7);
    const [iphone, chrome, server] = devices;
    assert.equal(iphone?.id, 547394701);
    assert.equal(iphone?.name, "iPhone");
    assert.deepEqual(iphone?.createdAt, new Date(1633194400 * 1000));
    assert.deepEqual(iphone?.lastSeenAt, new Date(1655715607 * 1000));
    assert.deepEqual(iphone?.provides, [
      "client",
      "controller",
      "sync-target",
      "player",
      "pubsub-player",
      "provider-playback",
    ]);
    assert.deepEqual(iphone?.syncList, { itemsCompleteCount: 0, totalSize: 0, version: 2 });
    assert.deepEqual(iphone?.connections, [{ uri: "http://192.168.1.194:32500" }]);
    assert.equal(iphone?.screenDensity, 3);
    // empty attributes are undefined, not ""
    assert.equal(chrome?.vendor, undefined);
    assert.equal(chrome?.screenDensity, undefined);
    assert.deepEqual(chrome?.provides, []);
    assert.deepEqual(chrome?.connections, []);
    assert.equal(chrome?.syncList, undefined);
    assert.equal(server?.product, "Plex Media Server");
    assert.deepEqual(server?.connections.map((c) => c.uri), [
      "http://[2001:1c05:380f:5700:642:1aff:fe08:1c22]:32400",
      "http://192.168.1.2:32400",
    ]);
    assert.equal(server?.screenResolution, undefined);
  });

  it("keeps device tokens but never prints them", async () => {
    let n = 0;
    const xml = (await fixture("devices.xml")).replace(/token="XXX"/g, () => `token="device-secret-${n++}"`);
    const devices = parseRegisteredDevices(xml);
    assert.equal(devices[3]?.token?.value, "device-secret-3");
    const out = printed(devices);
    assert.ok(!out.includes("device-secret"), "a printed device leaks its token");
    assert.ok(out.includes("BRAVIA 4K UR2"));
  });

  it("finds the media servers", async () => {
    const servers = parseRegisteredDevices(await fixture("devices.xml")).filter(isMediaServer);
    assert.deepEqual(servers.map((d) => d.name), ["MY PLEX SERVER"]);
  });

  it("rejects a device with a missing attribute, naming it", async () => {
    const xml = (await fixture("devices.xml")).replace(
      'clientIdentifier="97d2510bd3942159-com-plexapp-android" ',
      "",
    );
    assertInvalid(() => parseRegisteredDevices(xml), "MediaContainer.Device[3].clientIdentifier is missing");
    const noId = (await fixture("devices.xml")).replace(' id="282416069"', "");
    assertInvalid(() => parseRegisteredDevices(noId), "MediaContainer.Device[2].id");
    const badTime = (await fixture("devices.xml")).replace('lastSeenAt="1655709241"', 'lastSeenAt="soon"');
    assertInvalid(() => parseRegisteredDevices(badTime), "MediaContainer.Device[2].lastSeenAt");
  });

  it("rejects JSON, HTML and truncated XML as invalid_response", async () => {
    const xml = await fixture("devices.xml");
    for (const body of [xml.slice(0, 500), "<html><body><h1>502 Bad Gateway</h1>", '{"devices":[]}']) {
      assert.throws(() => processRegisteredDevicesResponse(response(200, body)), {
        code: "invalid_response",
      });
    }
    assert.throws(() => processRegisteredDevicesResponse(response(401, "")), { code: "unauthorized" });
  });
});

describe("Resource (GET /api/v2/resources)", () => {
  it("parses resources.json with connections, Dates and hidden access tokens", async () => {
    const doc = JSON.parse(await fixture("resources.json")) as Record<string, unknown>[];
    const resources = parseResources(doc);
    assert.equal(resources.length, 7);
    const [owned, shared] = resources;
    assert.equal(owned?.ownerId, null);
    assert.equal(owned?.owned, true);
    assert.equal(shared?.ownerId, 2639453);
    assert.equal(shared?.sourceTitle, "kingpirate123");
    assert.deepEqual(owned?.createdAt, new Date("2020-01-12T15:30:18Z"));
    assert.deepEqual(owned?.provides, ["server"]);
    assert.equal(owned?.connections.length, 4);
    assert.deepEqual(owned?.connections[3], {
      protocol: "https",
      address: "162.243.175.222",
      port: 8443,
      uri: "https://162-243-175-222.fc6b48db927de7394036856ade1760b9.plex.direct:8443",
      local: false,
      relay: true,
      IPv6: false,
    });
    assert.equal(resources[2]?.platform, null);
    assert.equal(owned?.accessToken?.value, "Hg7FGK9xVGdWZRa_sj76");
    const out = printed(resources);
    for (const r of doc) {
      assert.ok(!out.includes(r.accessToken as string), "a printed resource leaks its token");
    }
    assert.deepEqual(Object.keys(owned!).sort(), Object.keys(doc[0]!).sort());
  });

  it("rejects a wrong connection port with its path", async () => {
    const doc = JSON.parse(await fixture("resources.json")) as { connections: { port: unknown }[] }[];
    doc[1]!.connections[2]!.port = true;
    assertInvalid(() => parseResources(doc), "[1].connections[2].port should be an integer");
    assert.throws(() => processResourcesResponse(response(200, '{"not":"an array"}')), {
      code: "invalid_response",
    });
  });

  it("parses the legacy XML form (resources_v1.xml)", async () => {
    const resources = parseResourcesXml(await fixture("resources_v1.xml"));
    assert.equal(resources.length, 6);
    const [server1, , chrome, appleTv] = resources;
    assert.equal(server1?.accessToken?.value, "faketoken");
    assert.deepEqual(server1?.createdAt, new Date(1429510140 * 1000));
    assert.equal(server1?.connections[0]?.port, 32400);
    assert.equal(server1?.connections[0]?.local, true);
    assert.equal(server1?.connections[0]?.relay, false);
    assert.equal(chrome?.connections.length, 2);
    assert.equal(appleTv?.accessToken, undefined);
    assert.deepEqual(resources.filter(isMediaServer).map((r) => r.name), ["Plex Server 1", "Plex Server 2"]);
  });
});

describe("other account payloads", () => {
  it("parses the shared users of users_v1.xml with their servers", async () => {
    const users = parseSharedUsers(await fixture("users_v1.xml"));
    assert.equal(users.length, 2);
    assert.equal(users[0]?.id, 1000);
    assert.equal(users[0]?.allowSync, false);
    assert.equal(users[1]?.servers[0]?.numLibraries, 5);
    assert.equal(users[1]?.servers[0]?.serverId, "000001");
    assert.deepEqual(users[1]?.servers[0]?.lastSeenAt, new Date(1614072646 * 1000));
    assert.equal(users[0]?.filterMovies, undefined);
  });

  it("parses the invitations of invites.xml", async () => {
    const [invite, ...rest] = parseInvites(await fixture("invites.xml"));
    assert.equal(rest.length, 0);
    assert.equal(invite?.id, 12345);
    assert.deepEqual(invite?.createdAt, new Date(1635126033 * 1000));
    assert.equal(invite?.friend, true);
    assert.deepEqual(invite?.servers, [{ name: "testserver", numLibraries: 2 }]);
  });

  it("parses home users and the switch response", () => {
    const home = parseHome({
      id: 1,
      name: "Home",
      guestUserID: 2,
      guestUserUUID: "g",
      guestEnabled: false,
      subscription: true,
      users: [{
        id: 3,
        uuid: "kid",
        title: "Kid",
        username: null,
        email: null,
        restricted: true,
        protected: true,
        updatedAt: 1704558269,
      }],
    });
    assert.equal(home.subscription, true);
    assert.equal(home.users[0]?.protected, true);
    assert.deepEqual(home.users[0]?.updatedAt, new Date(1704558269 * 1000));
    assertInvalid(() => parseHome({ users: [{ id: 3, title: "Kid" }] }), "users[0].uuid is missing");
    const token = processSwitchHomeUserResponse(response(201, '{"id":3,"authToken":"kid-token-0123456789"}'));
    assert.equal(token.value, "kid-token-0123456789");
    assert.throws(() => processSwitchHomeUserResponse(response(201, '{"id":3}')), {
      code: "invalid_response",
    });
  });

  it("parses v2 devices with defaults for absent lists", () => {
    const [device] = parsePlexTvDevices([{
      id: 9,
      name: "TV",
      product: "Plex for LG",
      clientIdentifier: "c",
      createdAt: "2021-10-02T17:06:40Z",
      lastSeenAt: "2022-06-20T09:00:07Z",
      token: "tv-token-0123456789",
      platform: null,
      syncLists: [{ version: 2, itemsCompleteCount: 1, totalSize: 3 }],
      connections: [{ uri: "http://192.168.1.9:32500" }],
      presence: true,
    }]);
    assert.equal(device?.presence, true);
    assert.equal(device?.syncLists[0]?.totalSize, 3);
    assert.ok(!printed(device).includes("tv-token"));
  });

  it("returns the claim token and refuses anything else", () => {
    assert.equal(processClaimTokenResponse(response(200, '{"token":"claim-AbC123"}')), "claim-AbC123");
    assert.throws(() => processClaimTokenResponse(response(200, '{"token":"oops"}')), {
      code: "invalid_response",
    });
    assert.throws(() => processClaimTokenResponse(response(200, '{"token":')), { code: "invalid_response" });
  });
});
