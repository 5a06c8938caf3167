// Friends (GET /api/v2/friends, DELETE /api/v2/sharings/{id}) and a server's
// shares (GET /api/servers/{machineIdentifier}/shared_servers): typed
// results from recorded bodies, the requests as sent, and typed errors.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import {
  parseFriends,
  processFriendsResponse,
  processRemoveFriendResponse,
} from "../../lib/endpoints/friend.ts";
import { parseSharedServers, processSharedServersResponse } from "../../lib/endpoints/server_share.ts";
import type { PlexResponse } from "../../lib/http/types.ts";
import { Token } from "../../lib/token.ts";
import { fixture } from "../_helpers/fixtures.ts";
import { assertInvalid } from "../_helpers/invalid_response.ts";
import {
  clientOf,
  FRIENDS_JSON,
  recordingConfig,
  recordingFetch,
  reply,
  SHARE_TOKEN,
  SHARED_SERVERS_XML,
  TOKEN,
} from "../_helpers/account_api.ts";

const recorded = (status: number, body: string): PlexResponse => ({
  status,
  headers: new Headers(),
  body,
  url: "https://plex.tv/test",
});

describe("friends (GET /api/v2/friends)", () => {
  it("types every friend and keeps unknown fields", () => {
    const [ana, kid] = processFriendsResponse(recorded(200, FRIENDS_JSON));
    assert.equal(ana?.id, 1001);
    assert.equal(ana?.uuid, "a1b2c3d4e5f60718");
    assert.equal(ana?.title, "ana");
    assert.equal(ana?.friendlyName, "Ana Lima");
    assert.equal(ana?.status, "accepted");
    assert.equal(ana?.home, false);
    assert.deepEqual(ana?.sharedServers, []);
    assert.equal(ana?.friendSince, 1690000000);
    assert.equal(kid?.friendlyName, null);
    assert.equal(kid?.username, undefined, "an empty username is missing");
    assert.equal(kid?.restricted, true);
  });

  it("reports a wrong type with its path", () => {
    const friends = JSON.parse(FRIENDS_JSON);
    assertInvalid(() => parseFriends([{ ...friends[0], id: "one" }]), "[0].id should be an integer");
    assertInvalid(() => parseFriends([friends[0], { ...friends[1], home: "maybe" }]), "[1].home");
    assertInvalid(() => parseFriends([{ ...friends[0], sharedServers: [1] }]), "[0].sharedServers[0]");
    assertInvalid(() => parseFriends([{ ...friends[0], uuid: undefined }]), "[0].uuid");
    assertInvalid(() => parseFriends({ friends }), "the response should be an array");
  });

  it("maps 401, 404 and malformed bodies to typed errors", async () => {
    const e1001 = await fixture("error_1001.json");
    assert.throws(() => processFriendsResponse(recorded(401, e1001)), { code: "unauthorized" });
    assert.throws(() => processFriendsResponse(recorded(404, "")), { code: "not_found" });
    assert.throws(() => processFriendsResponse(recorded(200, FRIENDS_JSON.slice(0, 100))), {
      code: "invalid_response",
    });
    assert.throws(() => processFriendsResponse(recorded(200, "<MediaContainer/>")), {
      code: "invalid_response",
    });
  });

  it("sends GET {url}/api/v2/friends with the token, asking for JSON", async () => {
    const { fetch, requests } = recordingFetch(() => reply(200, FRIENDS_JSON));
    const friends = await clientOf(recordingConfig(fetch)).friends();
    assert.equal(friends.length, 2);
    assert.equal(requests[0]?.method, "GET");
    assert.equal(requests[0]?.url.href, "https://plex.tv/api/v2/friends");
    assert.equal(requests[0]?.headers.get("Accept"), "application/json");
    assert.equal(requests[0]?.headers.get("X-Plex-Token"), TOKEN);
  });
});

describe("removeFriend (DELETE /api/v2/sharings/{id})", () => {
  it("deletes the friend's sharing by account id, from a friend or its id", async () => {
    const { fetch, requests } = recordingFetch(() => reply(200));
    const client = clientOf(recordingConfig(fetch));
    const [ana] = processFriendsResponse(recorded(200, FRIENDS_JSON));
    await client.removeFriend(ana!);
    await client.removeFriend(1002);
    await client.removeFriend("1003");
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.url.href}`),
      [
        "DELETE https://plex.tv/api/v2/sharings/1001",
        "DELETE https://plex.tv/api/v2/sharings/1002",
        "DELETE https://plex.tv/api/v2/sharings/1003",
      ],
    );
    assert.ok(requests.every((r) => r.headers.get("X-Plex-Token") === TOKEN && r.body === ""));
  });

  it("refuses an id that is not a positive integer before sending anything", async () => {
    const { fetch, requests } = recordingFetch(() => reply(200));
    const client = clientOf(recordingConfig(fetch));
    for (const bad of [0, -1, 1.5, "12a", "../1", "", Number.MAX_SAFE_INTEGER + 2, { id: "x" }]) {
      await assert.rejects(client.removeFriend(bad as number), { code: "invalid_argument" }, String(bad));
    }
    assert.equal(requests.length, 0);
  });

  it("maps the answers: any 2xx is done, 404 not_found, 401 unauthorized", async () => {
    processRemoveFriendResponse(recorded(204, ""));
    processRemoveFriendResponse(recorded(200, "<Response code='0'/>"));
    assert.throws(() => processRemoveFriendResponse(recorded(404, "")), { code: "not_found" });
    const e1001 = await fixture("error_1001.json");
    assert.throws(() => processRemoveFriendResponse(recorded(401, e1001)), { code: "unauthorized" });
  });
});

describe("sharedServers (GET /api/servers/{machineIdentifier}/shared_servers)", () => {
  it("types each share with its sections and hides the friend's server token", () => {
    const [ana, kid] = parseSharedServers(SHARED_SERVERS_XML);
    assert.equal(ana?.id, 5001);
    assert.equal(ana?.userID, 1001);
    assert.equal(ana?.username, "ana");
    assert.equal(ana?.name, "Den");
    assert.deepEqual(ana?.acceptedAt, new Date(1700000000 * 1000));
    assert.deepEqual(ana?.invitedAt, new Date(1699000000 * 1000));
    assert.equal(ana?.allowSync, true);
    assert.equal(ana?.allowTuners, false, "a missing flag is false");
    assert.equal(ana?.allLibraries, false);
    assert.ok(ana?.accessToken instanceof Token);
    assert.equal(ana?.accessToken?.value, SHARE_TOKEN);
    assert.deepEqual(
      ana?.sections.map((s) => [s.id, s.key, s.title, s.type, s.shared]),
      [[71, "1", "Movies", "movie", true], [72, "2", "TV & Specials", "show", false]],
    );
    assert.equal(kid?.username, undefined);
    assert.equal(kid?.accessToken, undefined);
    assert.equal(kid?.allLibraries, true);
    assert.deepEqual(kid?.sections, []);
    assert.ok(!inspect([ana, kid], { depth: 5 }).includes(SHARE_TOKEN));
    assert.ok(!JSON.stringify([ana, kid]).includes(SHARE_TOKEN));
  });

  it("reports malformed XML and missing or wrong attributes with their path", () => {
    assertInvalid(
      () => parseSharedServers(SHARED_SERVERS_XML.replace('userID="1002" ', "")),
      "SharedServer[1].userID is missing",
    );
    assertInvalid(
      () => parseSharedServers(SHARED_SERVERS_XML.replace('id="5001"', 'id="x"')),
      "SharedServer[0].id",
    );
    assertInvalid(
      () => parseSharedServers(SHARED_SERVERS_XML.replace('title="Movies" ', "")),
      "SharedServer[0].sections[0].title is missing",
    );
    assertInvalid(
      () => parseSharedServers(SHARED_SERVERS_XML.replace('shared="0"', 'shared="2"')),
      "sections[1].shared",
    );
    assertInvalid(() => parseSharedServers("<errors/>"), "<MediaContainer>");
    assertInvalid(() => parseSharedServers(SHARED_SERVERS_XML.slice(0, 300)), "well-formed");
  });

  it("sends GET {url}/api/servers/{id}/shared_servers asking for XML, and maps errors", async () => {
    const { fetch, requests } = recordingFetch((r) =>
      r.url.pathname.includes("unknown")
        ? reply(404, "<html><body>Not Found</body></html>", "text/html")
        : reply(200, SHARED_SERVERS_XML, "application/xml")
    );
    const client = clientOf(recordingConfig(fetch));
    const shares = await client.sharedServers("mid-1");
    assert.equal(shares.length, 2);
    assert.equal(requests[0]?.url.href, "https://plex.tv/api/servers/mid-1/shared_servers");
    assert.equal(requests[0]?.headers.get("Accept"), "application/xml");
    assert.equal(requests[0]?.headers.get("X-Plex-Token"), TOKEN);
    await assert.rejects(client.sharedServers("unknown-server"), { code: "not_found" });
    assert.throws(() => processSharedServersResponse(recorded(401, "")), { code: "unauthorized" });
  });

  it("refuses a machine identifier that would change the path", async () => {
    const { fetch, requests } = recordingFetch(() => reply(200, SHARED_SERVERS_XML));
    const client = clientOf(recordingConfig(fetch));
    for (const bad of ["", "../users", "a/b", "a?b", "a b", "%2e%2e", "-leading", "x".repeat(129)]) {
      await assert.rejects(client.sharedServers(bad), { code: "invalid_argument" }, bad);
    }
    assert.equal(requests.length, 0);
  });
});
